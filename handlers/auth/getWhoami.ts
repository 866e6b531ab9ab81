import type { components } from '../../generated/openapi-types';
import { WINDOW_SECONDS, windowNamed } from '../../src/auth/rate-limit-headers';
import { scopesOf } from '../../src/auth/principal';
import type { Handler } from '../../src/handler';
import { API_KEY_COLUMNS, apiKeyJson } from '../access/api-key-row';
import { ORG_COLUMNS, organisationJson } from './organisation-row';

type Scope = components['schemas']['Scope'];

export const getWhoami: Handler<'getWhoami'> = async (ctx) => {
  const p = ctx.principal;
  const { rows: orgs } = await ctx.db.query(`SELECT ${ORG_COLUMNS} FROM organisations o WHERE o.id = $1`, [p.orgId]);
  const organisation = organisationJson(orgs[0]);
  if (p.kind === 'api_key') {
    const { rows } = await ctx.db.query(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1`, [p.keyId]);
    const key = apiKeyJson(rows[0], ctx.clock());
    const own = windowNamed(ctx.rateLimit!, 'key')!;
    const org = windowNamed(ctx.rateLimit!, 'org')!;
    return {
      status: 200,
      body: {
        organisation,
        credential_type: 'api_key',
        api_key: key,
        user: null,
        scopes: key.scopes,
        rate_limit: { key_limit: own.limit, key_remaining: own.remaining, org_limit: org.limit, org_remaining: org.remaining, window_seconds: WINDOW_SECONDS },
      },
    };
  }
  if (p.kind === 'jwt_user') {
    // The identity-provider user has no row of ours: its own window stands where a key's would.
    const own = windowNamed(ctx.rateLimit!, 'user')!;
    const org = windowNamed(ctx.rateLimit!, 'org')!;
    return {
      status: 200,
      body: {
        organisation,
        credential_type: 'jwt',
        api_key: null,
        user: null,
        scopes: scopesOf(p) as Scope[],
        rate_limit: { key_limit: own.limit, key_remaining: own.remaining, org_limit: org.limit, org_remaining: org.remaining, window_seconds: WINDOW_SECONDS },
      },
    };
  }
  const { rows } = await ctx.db.query('SELECT id, email, name FROM users WHERE id = $1', [p.userId]);
  return {
    status: 200,
    body: { organisation, credential_type: 'session', api_key: null, user: rows[0], scopes: scopesOf(p) as Scope[], rate_limit: null },
  };
};
