// Who is calling, whatever the credential: resolved by a credential scheme (./credentials), then
// authorised against the operation's `security` (./authorize). Handlers receive it non-null.
import { scopes } from '../../generated/operations';

const ALL_SCOPES: readonly string[] = scopes;

export type Role = 'owner' | 'admin' | 'member';

interface PrincipalBase {
  /** The tenant: every query a handler runs filters on it. */
  orgId: string;
  /** Set when the credential is bound to one project (ops module): it reaches nothing else. */
  projectId: string | null;
}

/** An API key: permissions are its scopes. */
export interface KeyPrincipal extends PrincipalBase {
  kind: 'api_key';
  keyId: string;
  scopes: readonly string[];
}

/** A console user signed in with a session cookie: permissions come from the role. */
export interface SessionPrincipal extends PrincipalBase {
  kind: 'user';
  userId: string;
  sessionId: string;
  role: Role;
}

export type Principal = KeyPrincipal | SessionPrincipal;

/** The spec's security schemes (openapi.yaml components.securitySchemes). */
export type SpecScheme = 'ApiKeyHeader' | 'BearerAuth' | 'SessionCookie';

/** Which spec schemes a principal of each kind arrives under: scopes for the first two, roles for the cookie. */
export const SCHEMES_OF: Record<Principal['kind'], readonly SpecScheme[]> = {
  api_key: ['ApiKeyHeader', 'BearerAuth'],
  user: ['SessionCookie'],
};

/**
 * The scopes a principal holds. A key: its own. A console user: by role — owners and admins hold
 * every scope, members every read scope — so data-dependent checks (webhook subscriptions) and
 * `whoami` answer alike for every kind of credential.
 */
export function scopesOf(p: Principal): readonly string[] {
  if (p.kind === 'api_key') return p.scopes;
  return p.role === 'member' ? ALL_SCOPES.filter((s) => s.startsWith('read:')) : ALL_SCOPES;
}

export const hasScope = (p: Principal, scope: string) => scopesOf(p).includes(scope);

/** Who did it, for the audit log. */
export const actorOf = (p: Principal) => (p.kind === 'api_key' ? { type: 'api_key' as const, id: p.keyId } : { type: 'user' as const, id: p.userId });
