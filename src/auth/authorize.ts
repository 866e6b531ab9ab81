// One decision for every caller (REST now, GraphQL resolvers next): may this principal run an
// operation whose spec declares `security`? Scopes for keys, roles for console sessions.
import { ApiError } from '../errors';
import { SCHEMES_OF, type Principal } from './principal';

/** An operation's `security`, as in the spec: any one requirement, every scheme of one. */
export type SecurityRequirements = ReadonlyArray<Readonly<Record<string, readonly string[]>>>;

/** What the operation asks of this kind of principal: scopes or roles, or undefined when it does not accept it. */
export function requirementFor(principal: Principal, security: SecurityRequirements): readonly string[] | undefined {
  for (const scheme of SCHEMES_OF[principal.kind]) {
    const r = security.find((req) => scheme in req && Object.keys(req).length === 1);
    if (r) return r[scheme];
  }
  return undefined;
}

/** Throws the documented 403 when the principal may not run the operation. */
export function authorize(principal: Principal, security: SecurityRequirements): void {
  const needs = requirementFor(principal, security);
  if (!needs) {
    throw new ApiError('FORBIDDEN', principal.kind === 'user' ? 'This operation takes an API key, not a console session' : principal.kind === 'jwt_user' ? 'This operation takes an API key or a console session, not an identity-provider token' : 'This operation needs a console session');
  }
  if (principal.kind === 'user') {
    if (needs.length && !needs.includes(principal.role)) throw new ApiError('FORBIDDEN', `This needs the role ${needs.join(' or ')}; you are ${principal.role}`);
    return;
  }
  const missing = needs.filter((s) => !principal.scopes.includes(s));
  if (missing.length) {
    const who = principal.kind === 'jwt_user' ? `The role ${principal.role}` : 'This API key';
    throw new ApiError('INSUFFICIENT_SCOPE', `${who} lacks the scope ${missing.join(', ')}`);
  }
}
