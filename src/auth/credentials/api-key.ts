// API keys (`ak_` + 64 hex), under X-API-Key or Authorization: Bearer.
import { hashApiKey, isWellFormedApiKey } from '../api-key-format';
import type { CredentialScheme } from './scheme';
import { invalidCredential } from './unauthorized';

const AUTH_KEY_SQL = { name: 'authenticate_api_key', text: 'SELECT * FROM authenticate_api_key($1, $2, $3, $4, $5)' };

export const apiKeyScheme: CredentialScheme = {
  name: 'api_key',
  // Every X-API-Key value, and the bearer tokens no other scheme claimed (a malformed one gets a 401 naming the format).
  claims: (p) => p.scheme === 'ApiKeyHeader' || p.scheme === 'BearerAuth',

  async resolve(p, ctx, cost) {
    // The checksum refuses a malformed or mistyped key without a database query.
    if (!isWellFormedApiKey(p.token)) throw invalidCredential('The API key is malformed: expected ak_ followed by 64 hex characters');
    const now = ctx.clock();
    const { rows } = await ctx.db.query({ ...AUTH_KEY_SQL, values: [hashApiKey(p.token), now, ctx.ip || null, ctx.config.rateLimitOrgPerMinute, cost] });
    const row = rows[0];
    if (!row) throw invalidCredential('The API key is not valid');
    if (row.status === 'revoked') throw invalidCredential('The API key has been revoked');
    if (row.status === 'expired') throw invalidCredential('The API key has expired');
    return {
      principal: { kind: 'api_key', orgId: row.org_id, projectId: row.project_id, keyId: row.key_id, scopes: row.scopes },
      org: row.org,
      rateLimit: {
        admitted: row.admitted,
        windows: [
          { name: 'key', limit: row.key_limit, remaining: row.key_remaining, resetMs: Number(row.key_reset_ms) },
          { name: 'org', limit: ctx.config.rateLimitOrgPerMinute, remaining: row.org_remaining, resetMs: Number(row.org_reset_ms) },
        ],
      },
    };
  },
};
