// Identity-provider JWTs as bearer tokens (README "Sign in with an identity provider (JWT)"): a
// JWKS server on 127.0.0.1 with keys made here; the app's clock is injected, so token lifetimes,
// key-cache bounds and rate-limit windows move without sleeping.
import { createHmac } from 'node:crypto';
import { scopes } from '../../generated/operations';
import { loadConfig } from '../../src/config';
import { createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { b64url, IdentityProvider, type SigningKey } from '../helpers/identity-provider';
import { createLead } from '../helpers/partner-factories';
import { createClient } from '../helpers/pos-factories';

const T0 = Date.parse('2026-03-02T09:00:00Z');

async function link(h: Harness, orgId: string, issuer: string, externalOrg: string) {
  await h.db.query('INSERT INTO identity_org_links (org_id, issuer, external_org_id) VALUES ($1, $2, $3)', [orgId, issuer, externalOrg]);
}

const bearer = (token: string) => `Bearer ${token}`;

function expectInvalidToken(res: { body: unknown; headers: Record<string, string> }, reason: RegExp) {
  expect(res.body).toMatchObject({ success: false, code: 'UNAUTHORIZED', error: expect.stringMatching(reason) });
  expect(res.headers['www-authenticate']).toBe('Bearer realm="aura", error="invalid_token"');
}

describe('JWTs from a Clerk issuer (JWKS on loopback)', () => {
  let idp: IdentityProvider;
  let h: Harness;
  let key: SigningKey;
  let now = T0;
  let org: { id: string; slug: string };
  const v2 = (role: string, extra: Record<string, unknown> = {}) => ({ v: 2, o: { id: 'org_A', slg: 'acme', rol: role }, ...extra });

  beforeAll(async () => {
    idp = await IdentityProvider.start();
    key = await idp.newKey('RS256');
    idp.published = [key];
    h = await startHarness({
      clock: () => new Date(now),
      env: { JWT_ISSUER: idp.issuer, JWT_AUTHORIZED_PARTIES: 'https://app.example.com', JWT_JWKS_MAX_STALE_S: '600' },
    });
    org = await createOrg(h.db, { edition: 'group' });
    await link(h, org.id, idp.issuer, 'org_A');
  });
  afterAll(async () => {
    await h.close();
    await idp.close();
  });

  it('a Clerk v2 token (o.id, o.rol) reaches the API as a user of the linked organisation, with the role\'s scopes', async () => {
    const token = await idp.sign(key, now, v2('admin', { azp: 'https://app.example.com' }));
    const res = await h.api.get('/api/v1/whoami').set('Authorization', bearer(token)).expect(200);
    expect(res.body).toMatchObject({ credential_type: 'jwt', organisation: { id: org.id }, api_key: null, user: null });
    expect(res.body.scopes).toEqual(expect.arrayContaining(['read:clients', 'read:payments', 'read:catalogue', 'webhooks:read']));
    expect(res.body.scopes).not.toContain('webhooks:write');
    expect(res.body.rate_limit).toMatchObject({ key_limit: 100, key_remaining: 99, org_limit: 1000, org_remaining: 999 });
    await h.api.get('/api/v1/clients').set('Authorization', bearer(token)).expect(200);
  });

  it("seed 001: Clerk v2 and v1 tokens read GET /api/v1/leads; a member (no read:payments) → 403 on /payments; another organisation's lead → 404", async () => {
    const mine = await createLead(h.db, org.id, { firstName: 'Julie' });
    const theirs = await createLead(h.db, (await createOrg(h.db, { edition: 'group' })).id, { firstName: 'Elsewhere' });
    const admin = await idp.sign(key, now, v2('admin', { sub: 'user_leads' }));
    const list = await h.api.get('/api/v1/leads').set('Authorization', bearer(admin)).expect(200);
    expect(list.body.items.map((l: { id: string }) => l.id)).toEqual([mine]);
    const member = await idp.sign(key, now, { org_id: 'org_A', org_role: 'org:member', sub: 'user_v1' });
    await h.api.get(`/api/v1/leads/${mine}`).set('Authorization', bearer(member)).expect(200);
    const refused = await h.api.get('/api/v1/payments').set('Authorization', bearer(member)).expect(403);
    expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', error: expect.stringContaining('read:payments') });
    await h.api.get(`/api/v1/leads/${theirs}`).set('Authorization', bearer(admin)).expect(404);
  });

  it('a Clerk v1 token (org_id, org_role "org:member") is understood; member reads the catalogue but not clients (403 INSUFFICIENT_SCOPE)', async () => {
    const token = await idp.sign(key, now, { org_id: 'org_A', org_role: 'org:member' });
    await h.api.get('/api/v1/produits').set('Authorization', bearer(token)).expect(200);
    const res = await h.api.get('/api/v1/clients').set('Authorization', bearer(token)).expect(403);
    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', error: 'The role member lacks the scope read:clients' });
  });

  it("another organisation's object is 404, as for a key", async () => {
    const other = await createOrg(h.db, { edition: 'group' });
    const theirs = await createClient(h.db, other.id);
    const mine = await createClient(h.db, org.id);
    const token = await idp.sign(key, now, v2('admin'));
    await h.api.get(`/api/v1/clients/${mine}`).set('Authorization', bearer(token)).expect(200);
    const res = await h.api.get(`/api/v1/clients/${theirs}`).set('Authorization', bearer(token)).expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  describe('refused with 401 and WWW-Authenticate', () => {
    const cases: Array<[string, () => Promise<string>, RegExp]> = [
      ['expired (past exp + 5 s tolerance)', () => idp.sign(key, now, v2('admin', { iat: Math.floor(now / 1000) - 120, nbf: null, exp: Math.floor(now / 1000) - 6 })), /expired/],
      ['not yet valid (nbf in the future)', () => idp.sign(key, now, v2('admin', { nbf: Math.floor(now / 1000) + 30 })), /nbf/],
      ['issued in the future (iat)', () => idp.sign(key, now, v2('admin', { iat: Math.floor(now / 1000) + 30, nbf: null })), /iat/],
      ['from another issuer', () => idp.sign(key, now, v2('admin', { iss: 'https://evil.example.com' })), /iss/],
      ['azp not an authorized party', () => idp.sign(key, now, v2('admin', { azp: 'https://evil.example.com' })), /azp/],
      ['Clerk v2 sts=pending', () => idp.sign(key, now, { v: 2, sts: 'pending' }), /pending/],
      ['no sub', () => idp.sign(key, now, v2('admin', { sub: null })), /sub/],
      ['alg none', async () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: idp.issuer, sub: 'user_x', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 60, ...v2('admin') })}.`, /not valid/],
      [
        'HS256 signed with the public key (algorithm confusion)',
        async () => {
          const pem = await idp.publicPem(key);
          const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64url({ iss: idp.issuer, sub: 'user_x', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 60, ...v2('admin') })}`;
          return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
        },
        /algorithm is not allowed/,
      ],
      [
        'a tampered payload (role raised after signing)',
        async () => {
          const [header, , signature] = (await idp.sign(key, now, v2('member', { sub: 'user_t' }))).split('.');
          const payload = b64url({ iss: idp.issuer, sub: 'user_t', iat: Math.floor(now / 1000), nbf: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 60, ...v2('admin') });
          return `${header}.${payload}.${signature}`;
        },
        /signature/,
      ],
      ['signed by a key the issuer does not publish', async () => idp.sign(await idp.newKey('RS256'), now, v2('admin')), /kid/],
    ];
    it.each(cases)('%s', async (_name, make, reason) => {
      const res = await h.api.get('/api/v1/whoami').set('Authorization', bearer(await make())).expect(401);
      expectInvalidToken(res, reason);
    });
  });

  it('a token naming no organisation → 403 FORBIDDEN; an unlinked organisation → 403 naming the missing link', async () => {
    const none = await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, now, {}))).expect(403);
    expect(none.body).toMatchObject({ code: 'FORBIDDEN', error: expect.stringContaining('names no organisation') });
    const unlinked = await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, now, v2('admin', { o: { id: 'org_elsewhere', rol: 'admin' } })))).expect(403);
    expect(unlinked.body).toMatchObject({ code: 'FORBIDDEN', error: 'This identity provider organisation is not linked to an Aura organisation' });
  });

  it("the organisation's edition rules apply: an express organisation without the API add-on → 403 API_ACCESS_DISABLED", async () => {
    const express = await createOrg(h.db, { edition: 'express' });
    await link(h, express.id, idp.issuer, 'org_express');
    const token = await idp.sign(key, now, v2('admin', { o: { id: 'org_express', rol: 'admin' } }));
    const res = await h.api.get('/api/v1/produits').set('Authorization', bearer(token)).expect(403);
    expect(res.body.code).toBe('API_ACCESS_DISABLED');
  });

  it('100 requests a minute per user: the 101st → 429 with Retry-After; the organisation budget is the one its keys share', async () => {
    const token = await idp.sign(key, now, v2('admin', { sub: 'user_busy' }));
    for (let i = 0; i < 100; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => h.api.get('/api/v1/leads').set('Authorization', bearer(token)).expect(200)));
    }
    const refused = await h.api.get('/api/v1/leads').set('Authorization', bearer(token)).expect(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another user of the same organisation is not refused; the organisation's window counted both.
    const other = await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, now, v2('admin', { sub: 'user_calm' })))).expect(200);
    expect(other.body.rate_limit.key_remaining).toBe(99);
    const { rows } = await h.db.query('SELECT total FROM rate_limit_windows WHERE bucket = $1', [`org:${org.id}`]);
    expect(rows[0].total).toBeGreaterThanOrEqual(101);
  });

  it('key rotation: a token signed with the new kid is accepted without a restart (refetch), the retired key is then refused', async () => {
    const oldToken = await idp.sign(key, now, v2('admin'));
    await h.api.get('/api/v1/whoami').set('Authorization', bearer(oldToken)).expect(200);
    const next = await idp.newKey('ES256');
    idp.published = [next];
    now += 11_000; // past the 10 s cooldown between refetches for unknown kids
    const fetches = idp.fetches;
    await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(next, now, v2('admin')))).expect(200);
    expect(idp.fetches).toBe(fetches + 1);
    await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, now, v2('admin')))).expect(401);
    key = next;
  });

  it('an unknown kid refetches at most once per cooldown: a flood of forged kids costs one fetch', async () => {
    now += 11_000;
    const fetches = idp.fetches;
    const stranger = await idp.newKey('RS256');
    for (let i = 0; i < 5; i += 1) {
      await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(stranger, now, v2('admin')))).expect(401);
    }
    expect(idp.fetches).toBe(fetches + 1);
  });

  it('JWKS down: cached keys keep serving within JWT_JWKS_MAX_STALE_S, then 503 SERVICE_UNAVAILABLE (not 401); back up → 200', async () => {
    // Refresh the cache now, then take the issuer down.
    now += 11_000;
    await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(await idp.newKey(), now, v2('admin')))).expect(401);
    idp.down = true;
    now += 599_000;
    await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, now, v2('admin')))).expect(200);
    now += 1_000;
    const res = await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, now, v2('admin')))).expect(503);
    expect(res.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', error: expect.stringContaining('identity provider') });
    expect(res.headers['retry-after']).toBe('5');
    // Within the cooldown the next requests are answered at once, without waiting on the issuer again.
    const fetches = idp.fetches;
    await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, now, v2('admin')))).expect(503);
    expect(idp.fetches).toBe(fetches);
    idp.down = false;
    now += 11_000;
    await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, now, v2('admin')))).expect(200);
  });
});

describe('a plain OIDC issuer, and a networkless PEM key', () => {
  let idp: IdentityProvider;
  beforeAll(async () => {
    idp = await IdentityProvider.start();
  });
  afterAll(() => idp.close());

  it('JWT_CLAIMS=oidc: org_id and role claims; the audience is checked when JWT_AUDIENCE is set', async () => {
    const key = await idp.newKey('ES256');
    idp.published = [key];
    const h = await startHarness({ clock: () => new Date(T0), env: { JWT_ISSUER: idp.issuer, JWT_CLAIMS: 'oidc', JWT_AUDIENCE: 'aura-api' } });
    try {
      const org = await createOrg(h.db, { edition: 'group' });
      await link(h, org.id, idp.issuer, 'tenant-42');
      const ok = await h.api.get('/api/v1/clients').set('Authorization', bearer(await idp.sign(key, T0, { org_id: 'tenant-42', role: 'admin', aud: 'aura-api' }))).expect(200);
      await h.api.get('/api/v1/leads').set('Authorization', bearer(await idp.sign(key, T0, { org_id: 'tenant-42', role: 'member', aud: 'aura-api' }))).expect(200);
      expect(ok.body).toBeDefined();
      const wrongAud = await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, T0, { org_id: 'tenant-42', role: 'admin', aud: 'another-api' }))).expect(401);
      expectInvalidToken(wrongAud, /aud/);
      // Clerk's claim paths mean nothing under the oidc profile.
      const clerkish = await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, T0, { o: { id: 'tenant-42', rol: 'admin' }, aud: 'aura-api' }))).expect(403);
      expect(clerkish.body.code).toBe('FORBIDDEN');
    } finally {
      await h.close();
    }
  });

  it('JWT_PUBLIC_KEY: verified with the PEM alone, no JWKS fetched; JWT_ROLE_SCOPES maps custom roles', async () => {
    const key = await idp.newKey('RS256');
    idp.published = [];
    const fetches = idp.fetches;
    const h = await startHarness({
      clock: () => new Date(T0),
      env: { JWT_ISSUER: idp.issuer, JWT_PUBLIC_KEY: await idp.publicPem(key), JWT_ROLE_SCOPES: '{"cashier":["read:catalogue"]}' },
    });
    try {
      const org = await createOrg(h.db, { edition: 'group' });
      await link(h, org.id, idp.issuer, 'org_P');
      const token = await idp.sign(key, T0, { v: 2, o: { id: 'org_P', rol: 'cashier' } });
      const res = await h.api.get('/api/v1/whoami').set('Authorization', bearer(token)).expect(200);
      expect(res.body.scopes).toEqual(['read:catalogue']);
      await h.api.get('/api/v1/clients').set('Authorization', bearer(token)).expect(403);
      expect(idp.fetches).toBe(fetches);
    } finally {
      await h.close();
    }
  });

  it('JWT_ISSUER unset: a well-signed JWT is refused with 401 like any unknown token', async () => {
    const key = await idp.newKey('RS256');
    idp.published = [key];
    const h = await startHarness({ clock: () => new Date(T0) });
    try {
      const res = await h.api.get('/api/v1/whoami').set('Authorization', bearer(await idp.sign(key, T0, { v: 2, o: { id: 'org_A', rol: 'admin' } }))).expect(401);
      expectInvalidToken(res, /JWT_ISSUER/);
    } finally {
      await h.close();
    }
  });
});

describe('JWT configuration is checked at start', () => {
  it('defaults: admin holds every read scope and webhooks:read, member every read scope but payments and clients', () => {
    const cfg = loadConfig({ JWT_ISSUER: 'https://clerk.example.com' }).jwt!;
    expect(cfg).toMatchObject({ jwksUrl: 'https://clerk.example.com/.well-known/jwks.json', claims: 'clerk', clockToleranceS: 5, jwksMaxStaleS: 600, userRateLimitPerMinute: 100, authorizedParties: [] });
    const reads = scopes.filter((s) => s.startsWith('read:'));
    expect([...cfg.roleScopes.admin].sort()).toEqual([...reads, 'webhooks:read'].sort());
    expect([...cfg.roleScopes.member].sort()).toEqual(reads.filter((s) => s !== 'read:payments' && s !== 'read:clients').sort());
    expect(loadConfig({}).jwt).toBeUndefined();
  });

  it.each([
    [{ JWT_ISSUER: 'http://idp.example.com', NODE_ENV: 'production' }, /^JWT_ISSUER must be an https:\/\/ URL in production/],
    [{ JWT_ISSUER: 'https://idp.example.com', JWT_JWKS_URL: 'http://idp.example.com/keys', NODE_ENV: 'production' }, /^JWT_JWKS_URL must be an https:\/\/ URL/],
    [{ JWT_ISSUER: 'not a url' }, /^JWT_ISSUER must be an https:\/\/ URL/],
    [{ JWT_ISSUER: 'https://idp.example.com', JWT_CLAIMS: 'auth0' }, /^JWT_CLAIMS must be one of clerk, oidc/],
    [{ JWT_ISSUER: 'https://idp.example.com', JWT_ROLE_SCOPES: '{"admin":["write:everything"]}' }, /^JWT_ROLE_SCOPES: role "admin" must list known scopes/],
    [{ JWT_ISSUER: 'https://idp.example.com', JWT_ROLE_SCOPES: '[' }, /^JWT_ROLE_SCOPES must be a JSON object/],
    [{ JWT_ISSUER: 'https://idp.example.com', JWT_PUBLIC_KEY: 'abc' }, /^JWT_PUBLIC_KEY must be a PEM RSA or EC public key/],
    [{ JWT_ISSUER: 'https://idp.example.com', JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----' }, /^JWT_PUBLIC_KEY must be a PEM RSA or EC public key/],
    [{ JWT_ISSUER: 'https://idp.example.com', JWT_AUTHORIZED_PARTIES: 'https://app.example.com/' }, /^JWT_AUTHORIZED_PARTIES must be comma-separated origins/],
  ])('%j → refused naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('garbage of JWT shape', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { JWT_ISSUER: 'http://127.0.0.1:9/', JWT_JWKS_URL: 'http://127.0.0.1:9/jwks' } });
  });
  afterAll(() => h.close());

  it.each(['a.b.c', `${b64url('x')}.${b64url({})}.sig`, `${b64url({ alg: 'RS256' })}.not-json.sig`, `${b64url({ alg: 'RS256', crit: ['x'] })}.${b64url({})}.c2ln`])(
    '%s → 401 invalid_token, never a 500 (nor a key fetch: the issuer here is unreachable)',
    async (token) => {
      const res = await h.api.get('/api/v1/whoami').set('Authorization', bearer(token)).expect(401);
      expectInvalidToken(res, /not valid/);
    },
  );
});

describe('the audit log names an identity-provider user', () => {
  it('a JWT user whose role may write webhooks creates one: actor user, no id, issuer and subject in metadata', async () => {
    const idp = await IdentityProvider.start();
    const key = await idp.newKey();
    const h = await startHarness({
      env: {
        JWT_ISSUER: idp.issuer,
        JWT_PUBLIC_KEY: await idp.publicPem(key),
        JWT_ROLE_SCOPES: '{"admin":["webhooks:write","read:clients"]}',
        WEBHOOKS_ALLOW_INSECURE_URLS: 'true',
        WEBHOOK_WORKER: 'off',
      },
    });
    try {
      const org = await createOrg(h.db, { edition: 'group' });
      await link(h, org.id, idp.issuer, 'org_W');
      const token = await idp.sign(key, Date.now(), { v: 2, o: { id: 'org_W', rol: 'admin' }, sub: 'user_writer' });
      const res = await h.api.post('/api/v1/webhooks').set('Authorization', bearer(token)).send({ url: 'http://127.0.0.1:9/hook', events: ['client.created'] }).expect(201);
      const { rows } = await h.db.query("SELECT actor_type, actor_id, metadata FROM audit_events WHERE action = 'webhook.created' AND target_id = $1", [res.body.webhook.id]);
      expect(rows).toEqual([{ actor_type: 'user', actor_id: null, metadata: expect.objectContaining({ jwt_issuer: idp.issuer, jwt_subject: 'user_writer' }) }]);
    } finally {
      await h.close();
      await idp.close();
    }
  });
});
