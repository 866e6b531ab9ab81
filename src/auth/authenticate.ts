// The access layer, run by openapi-backend for every operation that declares security:
// 1. security handlers only detect which credential is present (no I/O);
// 2. authenticate() resolves it in one database round trip, enforces the scopes (keys) or
//    roles (sessions) that the operation's `security` declares in the spec, checks CSRF on
//    unsafe session requests, and applies the key's and organisation's rate limits.
// Handlers never see a credential and never re-check a scope.
import type { Context } from 'openapi-backend';
import type { Config } from '../config';
import { ApiError } from '../errors';
import type { Ctx, Principal, Role } from '../handler';
import { hashApiKey, isWellFormedApiKey } from './api-key-format';
import { rateLimitHeaders, retryAfterSeconds, type RateLimitResult } from './rate-limit-headers';
import { csrfMatches, hashSessionToken, SESSION_COOKIE } from './session-token';

type Scheme = 'ApiKeyHeader' | 'BearerAuth' | 'SessionCookie';
const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);
const WWW_AUTHENTICATE = 'Bearer realm="aura"';

const header = (c: Context, name: string): string | undefined => {
  const v = c.request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function bearerToken(c: Context): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header(c, 'authorization') ?? '');
  return m?.[1];
}

/** openapi-backend security handlers: is this scheme's credential present? */
export const credentialDetectors: Record<Scheme, (c: Context) => boolean> = {
  ApiKeyHeader: (c) => Boolean(header(c, 'x-api-key')),
  BearerAuth: (c) => Boolean(bearerToken(c)),
  SessionCookie: (c) => Boolean(c.request.cookies?.[SESSION_COOKIE]),
};

const unauthorized = (message: string, error = 'invalid_token') =>
  new ApiError('UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': `${WWW_AUTHENTICATE}, error="${error}"` } });

/** 401 for a request with no credential the operation accepts. */
export function missingCredential(c: Context): ApiError {
  const schemes = (c.operation.security ?? []).flatMap((r) => Object.keys(r));
  const message = schemes.some((s) => s !== 'SessionCookie')
    ? 'An API key is required: send it in X-API-Key or Authorization: Bearer'
    : 'Sign in first: this operation needs a console session';
  return new ApiError('UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
}

/** The requirement used: API-key schemes win over the cookie, in the spec's order. */
function chooseRequirement(c: Context): { scheme: Scheme; needs: string[] } | undefined {
  const reqs = (c.operation.security ?? []) as Array<Record<string, string[]>>;
  for (const preferred of ['ApiKeyHeader', 'BearerAuth', 'SessionCookie'] as Scheme[]) {
    for (const r of reqs) {
      if (preferred in r && Object.keys(r).length === 1 && credentialDetectors[preferred](c)) return { scheme: preferred, needs: r[preferred] };
    }
  }
  return undefined;
}

const AUTH_KEY_SQL = {
  name: 'authenticate_api_key',
  text: 'SELECT * FROM authenticate_api_key($1, $2, $3, $4)',
};

async function authenticateKey(ctx: Ctx, config: Config, key: string, needs: string[]): Promise<Principal> {
  // The checksum refuses a malformed or mistyped key without a database query.
  if (!isWellFormedApiKey(key)) throw unauthorized('The API key is malformed: expected ak_ followed by 64 hex characters');
  const now = ctx.clock();
  const { rows } = await ctx.db.query({ ...AUTH_KEY_SQL, values: [hashApiKey(key), now, ctx.ip || null, config.rateLimitOrgPerMinute] });
  const row = rows[0];
  if (!row) throw unauthorized('The API key is not valid');
  if (row.status === 'revoked') throw unauthorized('The API key has been revoked');
  if (row.status === 'expired') throw unauthorized('The API key has expired');
  if (row.status === 'no_api_access') {
    throw new ApiError('API_ACCESS_DISABLED', "The organisation's edition does not include API access; the API add-on enables it");
  }
  const result: RateLimitResult = {
    keyLimit: row.key_limit,
    keyRemaining: row.key_remaining,
    keyResetMs: Number(row.key_reset_ms),
    orgLimit: config.rateLimitOrgPerMinute,
    orgRemaining: row.org_remaining,
    orgResetMs: Number(row.org_reset_ms),
  };
  Object.assign(ctx.responseHeaders, rateLimitHeaders(result, now.getTime()));
  ctx.rateLimit = result;
  if (!row.admitted) {
    const which = result.orgRemaining === 0 && result.keyRemaining > 0 ? `${result.orgLimit} requests per minute for the organisation` : `${result.keyLimit} requests per minute for this API key`;
    throw new ApiError('RATE_LIMITED', `Rate limit exceeded: ${which}`, { headers: { 'Retry-After': String(retryAfterSeconds(result, now.getTime())) } });
  }
  const missing = needs.filter((s) => !row.scopes.includes(s));
  if (missing.length) throw new ApiError('INSUFFICIENT_SCOPE', `This API key lacks the scope ${missing.join(', ')}`);
  return { kind: 'api_key', orgId: row.org_id, keyId: row.key_id, scopes: row.scopes };
}

const AUTH_SESSION_SQL = {
  name: 'authenticate_session',
  text: `SELECT s.id, s.user_id, s.org_id, m.role
           FROM sessions s JOIN memberships m ON m.org_id = s.org_id AND m.user_id = s.user_id
          WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
};

async function authenticateSession(c: Context, ctx: Ctx, token: string, roles: string[]): Promise<Principal> {
  const { rows } = await ctx.db.query({ ...AUTH_SESSION_SQL, values: [hashSessionToken(token), ctx.clock()] });
  const row = rows[0];
  if (!row) throw new ApiError('UNAUTHORIZED', 'The session has ended; sign in again', { headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
  if (UNSAFE.has(c.request.method.toLowerCase()) && !csrfMatches(token, header(c, 'x-csrf-token'))) {
    throw new ApiError('CSRF_FAILED', 'Missing or wrong X-CSRF-Token header for this session');
  }
  if (roles.length && !roles.includes(row.role)) {
    throw new ApiError('FORBIDDEN', `This needs the role ${roles.join(' or ')}; you are ${row.role}`);
  }
  return { kind: 'user', orgId: row.org_id, userId: row.user_id, sessionId: row.id, role: row.role as Role };
}

/** openapi-backend postSecurityHandler: fills ctx.principal or throws the right error. */
export async function authenticate(c: Context, ctx: Ctx, config: Config): Promise<void> {
  const requirements = c.operation.security ?? [];
  if (requirements.length === 0) return; // explicitly public (checked at boot)
  const chosen = chooseRequirement(c);
  if (!chosen) return; // no credential: openapi-backend calls the unauthorized handler next
  if (chosen.scheme === 'SessionCookie') {
    ctx.principal = await authenticateSession(c, ctx, c.request.cookies[SESSION_COOKIE], chosen.needs);
  } else {
    const key = chosen.scheme === 'ApiKeyHeader' ? header(c, 'x-api-key')! : bearerToken(c)!;
    ctx.principal = await authenticateKey(ctx, config, key.trim(), chosen.needs);
  }
}
