// The access layer for one request, for any credential kind and any caller (the REST pipeline,
// GraphQL next): find the credential the operation accepts, resolve it to a principal in one
// database round trip that also takes `cost` rate-limit slots, refuse when over the limit, apply
// the modules' access policies, then authorise against the operation's `security` from the spec.
import { ApiError } from '../errors';
import type { SecurityRequirements } from './authorize';
import { authorize } from './authorize';
import { schemeFor, type AccessCtx, type Presented, type RequestView } from './credentials';
import { WWW_AUTHENTICATE } from './credentials/unauthorized';
import type { Principal, SpecScheme } from './principal';
import { rateLimitHeaders, rateLimitMessage, retryAfterSeconds, type RateLimitResult } from './rate-limit-headers';
import { SESSION_COOKIE } from './session-token';

/** A module's rule over whole organisations (e.g. the POS edition's API access): a refusal, or undefined. */
export type AccessPolicy = (principal: Principal, org: Readonly<Record<string, unknown>>) => ApiError | undefined;

export interface Authenticated {
  principal: Principal;
  rateLimit: RateLimitResult;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function bearerToken(req: RequestView): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(one(req.headers.authorization) ?? '')?.[1];
}

/** Every credential the request carries, explicit headers before the ambient cookie. */
export function presentedCredentials(req: RequestView): Presented[] {
  const found: Presented[] = [];
  const apiKey = one(req.headers['x-api-key'])?.trim();
  if (apiKey) found.push({ scheme: 'ApiKeyHeader', token: apiKey });
  const bearer = bearerToken(req);
  if (bearer) found.push({ scheme: 'BearerAuth', token: bearer });
  const cookie = req.cookies[SESSION_COOKIE];
  if (cookie) found.push({ scheme: 'SessionCookie', token: cookie });
  return found;
}

/**
 * Two different explicit credentials are refused rather than one silently chosen (the same key in
 * both headers is fine: some generated clients send it in every scheme). The session cookie is
 * ambient — a signed-in owner trying a key in /docs sends both — so an explicit credential wins.
 */
function refuseConflicting(found: Presented[]): void {
  const key = found.find((p) => p.scheme === 'ApiKeyHeader');
  const bearer = found.find((p) => p.scheme === 'BearerAuth');
  if (key && bearer && key.token !== bearer.token) {
    throw new ApiError('VALIDATION_ERROR', 'Two different credentials were sent (X-API-Key and Authorization); send one', {
      details: [
        { loc: ['header', 'X-API-Key'], msg: 'differs from the Authorization bearer token', type: 'conflict' },
        { loc: ['header', 'Authorization'], msg: 'differs from the X-API-Key header', type: 'conflict' },
      ],
    });
  }
}

const accepts = (security: SecurityRequirements, scheme: SpecScheme) => security.some((r) => scheme in r && Object.keys(r).length === 1);

/** Whether the request carries a credential the operation accepts (not yet checked). */
export const presentsAccepted = (req: RequestView, security: SecurityRequirements): boolean =>
  presentedCredentials(req).some((p) => accepts(security, p.scheme));

/** 401 for a request with no credential the operation accepts. */
export function missingCredential(security: SecurityRequirements): ApiError {
  const message = security.some((r) => !('SessionCookie' in r))
    ? 'An API key is required: send it in X-API-Key or Authorization: Bearer'
    : 'Sign in first: this operation needs a console session';
  return new ApiError('UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
}

export interface AuthenticateOptions {
  /** Rate-limit slots this request takes (1 for a REST call). */
  cost: number;
  policies: readonly AccessPolicy[];
  /** Receives the rate-limit headers as soon as they are known, so errors carry them too. */
  setHeaders: (headers: Record<string, string>) => void;
}

/** The request's principal, or undefined when it carries no credential the operation accepts. */
export async function authenticate(
  req: RequestView,
  security: SecurityRequirements,
  ctx: AccessCtx,
  opts: AuthenticateOptions,
): Promise<Authenticated | undefined> {
  const found = presentedCredentials(req);
  refuseConflicting(found);
  const presented = found.find((p) => accepts(security, p.scheme));
  const scheme = presented && schemeFor(presented);
  if (!presented || !scheme) return undefined;

  const { principal, rateLimit, org } = await scheme.resolve(presented, ctx, opts.cost);
  const nowMs = ctx.clock().getTime();
  opts.setHeaders(rateLimitHeaders(rateLimit, nowMs));
  if (!rateLimit.admitted) {
    throw new ApiError('RATE_LIMITED', rateLimitMessage(rateLimit, nowMs), { headers: { 'Retry-After': String(retryAfterSeconds(rateLimit, nowMs)) } });
  }
  scheme.verify?.(presented, req);
  for (const policy of opts.policies) {
    const refusal = policy(principal, org);
    if (refusal) throw refusal;
  }
  authorize(principal, security);
  return { principal, rateLimit };
}
