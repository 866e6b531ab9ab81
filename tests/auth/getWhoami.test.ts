import { createApiKey, createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('GET /api/v1/whoami', () => {
  let h: Harness;
  let orgId: string;
  beforeAll(async () => {
    h = await startHarness();
    orgId = (await createOrg(h.db, { edition: 'group' })).id;
  });
  afterAll(() => h.close());

  it('describes an API key sent in X-API-Key, with its rate-limit state and headers', async () => {
    const { id, key } = await createApiKey(h.db, { orgId, scopes: ['read:catalogue'], rateLimitPerMinute: 30 });
    const res = await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);
    expect(res.body).toMatchObject({
      organisation: { id: orgId, api_access: true },
      credential_type: 'api_key',
      api_key: { id, scopes: ['read:catalogue'], status: 'active', last_used_ip: '127.0.0.1' },
      user: null,
      rate_limit: { key_limit: 30, key_remaining: 29, org_limit: 1000, org_remaining: 999, window_seconds: 60 },
    });
    expect(res.headers).toMatchObject({
      'x-ratelimit-limit': '30',
      'x-ratelimit-remaining': '29',
      'ratelimit-policy': '"key";q=30;w=60, "org";q=1000;w=60',
      ratelimit: '"key";r=29;t=0',
    });
  });

  it('accepts the same key as Authorization: Bearer', async () => {
    const { key } = await createApiKey(h.db, { orgId, scopes: [] });
    const res = await h.api.get('/api/v1/whoami').set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body.credential_type).toBe('api_key');
  });

  it('describes a session', async () => {
    const user = await createUser(h.db, { orgId, role: 'member' });
    const s = await signIn(h.api, user);
    const res = await h.api.get('/api/v1/whoami').set('Cookie', s.cookie).expect(200);
    expect(res.body).toMatchObject({ credential_type: 'session', api_key: null, user: { id: user.id }, rate_limit: null });
    // A member reads everything the organisation's keys may read (every read:* scope).
    expect(res.body.scopes).toEqual([
      'read:catalogue', 'read:clients', 'read:tickets', 'read:promotions',
      'read:team', 'read:leads', 'read:calls', 'read:booking_links', 'read:products', 'read:payments',
    ]);
  });

  it('refuses unknown, revoked and expired keys with 401 and WWW-Authenticate', async () => {
    const revoked = await createApiKey(h.db, { orgId, scopes: [] });
    await h.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [revoked.id]);
    const expired = await createApiKey(h.db, { orgId, scopes: [], expiresAt: new Date(Date.now() - 1000) });
    const unknown = (await createApiKey(h.db, { orgId, scopes: [] })).key;
    await h.db.query('DELETE FROM api_keys WHERE key_hash = sha256($1::bytea)', [unknown]);
    for (const [key, message] of [
      [revoked.key, /revoked/],
      [expired.key, /expired/],
      [unknown, /not valid/],
    ] as const) {
      const res = await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(401);
      expect(res.body).toMatchObject({ code: 'UNAUTHORIZED', error: expect.stringMatching(message) });
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
  });

  it('refuses a key of an organisation whose edition has no API access with 403 API_ACCESS_DISABLED; the add-on enables it', async () => {
    const boutique = await createOrg(h.db, { edition: 'boutique' });
    const { key } = await createApiKey(h.db, { orgId: boutique.id, scopes: [] });
    const res = await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(403);
    expect(res.body.code).toBe('API_ACCESS_DISABLED');
    await h.db.query('UPDATE organisations SET api_addon = true WHERE id = $1', [boutique.id]);
    await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);
  });
});

describe('GET /api/v1/whoami with a malformed key', () => {
  let h: Harness;
  beforeAll(async () => {
    // No database at all: a malformed key must be refused before any query (else this is a 503).
    h = await startHarness({ appDatabaseUrl: 'postgres://postgres@127.0.0.1:1/none', env: { DB_CONNECTION_TIMEOUT_MS: '300' } });
  });
  afterAll(() => h.close());

  it.each([
    ['too short', 'ak_1234'],
    ['not hex', `ak_${'z'.repeat(64)}`],
    ['wrong checksum (one character mistyped)', `ak_${'a'.repeat(64)}`],
    ['another vendor’s format', 'aura_pk_live_0123456789abcdef'],
  ])('%s → 401 without touching the database', async (_name, key) => {
    const res = await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(401);
    expect(res.body.error).toMatch(/malformed/);
  });
});
