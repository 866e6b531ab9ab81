// Identity-provider JWTs (Clerk or any OIDC issuer) under Authorization: Bearer. A bearer token of
// JWT shape is claimed here before the API-key scheme; with no JWT_ISSUER configured it is refused
// like any unknown token.
import { ApiError } from '../../errors';
import { verifierFor } from '../jwt/verify';
import type { CredentialScheme } from './scheme';
import { invalidCredential } from './unauthorized';

/** Three base64url segments (header.payload.signature; the signature may be empty, as with alg none). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const AUTH_JWT_SQL = { name: 'authenticate_jwt', text: 'SELECT * FROM authenticate_jwt($1, $2, $3, $4, $5, $6, $7)' };

export const jwtScheme: CredentialScheme = {
  name: 'jwt',
  claims: (p) => p.scheme === 'BearerAuth' && JWT_SHAPE.test(p.token),

  async resolve(p, ctx, cost) {
    const cfg = ctx.config.jwt;
    if (!cfg) throw invalidCredential('The bearer token is not valid: this server accepts no identity-provider tokens (JWT_ISSUER is not set)');
    const now = ctx.clock();
    const token = await verifierFor(cfg).verify(p.token, now);
    if (!token.externalOrg) throw new ApiError('FORBIDDEN', 'The token names no organisation: sign in to an organisation at the identity provider first');
    const userLimit = cfg.userRateLimitPerMinute;
    const { rows } = await ctx.db.query({ ...AUTH_JWT_SQL, values: [token.issuer, token.externalOrg, token.subject, now, userLimit, ctx.config.rateLimitOrgPerMinute, cost] });
    const row = rows[0];
    if (!row) throw new ApiError('FORBIDDEN', 'This identity provider organisation is not linked to an Aura organisation');
    const role = token.role ?? '';
    return {
      principal: { kind: 'jwt_user', orgId: row.org_id, projectId: null, subject: token.subject, issuer: token.issuer, role, scopes: cfg.roleScopes[role] ?? [] },
      org: row.org,
      rateLimit: {
        admitted: row.admitted,
        windows: [
          { name: 'user', limit: userLimit, remaining: row.user_remaining, resetMs: Number(row.user_reset_ms) },
          { name: 'org', limit: ctx.config.rateLimitOrgPerMinute, remaining: row.org_remaining, resetMs: Number(row.org_reset_ms) },
        ],
      },
    };
  },
};
