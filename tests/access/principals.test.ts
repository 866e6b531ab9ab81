// The access layer, whatever the credential: every principal is rate limited (console users
// too), two different explicit credentials are refused, and a request can cost more than one slot.
import { authenticate } from '../../src/auth/authenticate';
import { loadConfig } from '../../src/config';
import { createApiKey, createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('console sessions are rate limited per user', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('a console user making 601 requests in a minute gets 429 with Retry-After on the 601st; another user is untouched', async () => {
    const org = await createOrg(h.db);
    const s = await signIn(h.api, await createUser(h.db, { orgId: org.id, role: 'owner' }));
    const statuses: number[] = [];
    // 20 at a time: enough concurrency to finish quickly, well inside one minute of wall clock.
    for (let i = 0; i < 600; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => h.api.get('/api/v1/auth/me').set('Cookie', s.cookie).expect(200)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses).toHaveLength(600);
    const refused = await h.api.get('/api/v1/auth/me').set('Cookie', s.cookie).expect(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', error: expect.stringContaining('600 requests per minute for this user') });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers).toMatchObject({ 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '0', 'ratelimit-policy': '"user";q=600;w=60' });

    const other = await signIn(h.api, await createUser(h.db, { orgId: org.id, role: 'member' }));
    const ok = await h.api.get('/api/v1/auth/me').set('Cookie', other.cookie).expect(200);
    expect(ok.headers['x-ratelimit-remaining']).toBe('599');
  });

  it("does not spend the organisation's API budget: a console user still gets in when the keys are exhausted", async () => {
    const limited = await startHarness({ env: { RATE_LIMIT_ORG_PER_MINUTE: '1' } });
    try {
      const org = await createOrg(limited.db);
      const { key } = await createApiKey(limited.db, { orgId: org.id, scopes: [] });
      await limited.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);
      await limited.api.get('/api/v1/whoami').set('X-API-Key', key).expect(429);
      const s = await signIn(limited.api, await createUser(limited.db, { orgId: org.id, role: 'owner' }));
      await limited.api.get('/api/v1/api-keys').set('Cookie', s.cookie).expect(200);
    } finally {
      await limited.close();
    }
  });
});

describe('two credentials in one request', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('X-API-Key of one organisation and a bearer key of another → 400 naming both headers, before any lookup', async () => {
    const a = await createApiKey(h.db, { orgId: (await createOrg(h.db)).id, scopes: [] });
    const b = await createApiKey(h.db, { orgId: (await createOrg(h.db)).id, scopes: [] });
    const res = await h.api.get('/api/v1/whoami').set('X-API-Key', a.key).set('Authorization', `Bearer ${b.key}`).expect(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details.map((d: { loc: string[] }) => d.loc)).toEqual([['header', 'X-API-Key'], ['header', 'Authorization']]);
    // Refused before the credential was looked up: neither key was used.
    const { rows } = await h.db.query('SELECT count(*)::int AS n FROM api_keys WHERE id = ANY($1) AND last_used_at IS NOT NULL', [[a.id, b.id]]);
    expect(rows[0].n).toBe(0);
  });

  it('the same key in both headers is one credential (some generated clients send it in every scheme)', async () => {
    const org = await createOrg(h.db);
    const a = await createApiKey(h.db, { orgId: org.id, scopes: [] });
    const res = await h.api.get('/api/v1/whoami').set('X-API-Key', a.key).set('Authorization', `Bearer ${a.key}`).expect(200);
    expect(res.body.organisation.id).toBe(org.id);
  });

  it('a session cookie beside a key is not a conflict: the explicit key decides (an owner trying a key in /docs)', async () => {
    const mine = await createOrg(h.db);
    const s = await signIn(h.api, await createUser(h.db, { orgId: mine.id, role: 'owner' }));
    const other = await createOrg(h.db);
    const { key } = await createApiKey(h.db, { orgId: other.id, scopes: [] });
    const res = await h.api.get('/api/v1/whoami').set('Cookie', s.cookie).set('X-API-Key', key).expect(200);
    expect(res.body).toMatchObject({ credential_type: 'api_key', organisation: { id: other.id } });
  });
});

describe('a request can cost more than one slot (GraphQL will pass its query cost)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const view = (key: string) => ({ method: 'GET', headers: { 'x-api-key': key }, cookies: {} });
  const security = [{ ApiKeyHeader: [] }];

  it('takes `cost` slots from the key and the organisation in the same round trip, and refuses what does not fit', async () => {
    const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_ORG_PER_MINUTE: '1000' });
    const org = await createOrg(h.db);
    const { key } = await createApiKey(h.db, { orgId: org.id, scopes: [], rateLimitPerMinute: 10 });
    const ctx = { db: h.db, clock: () => new Date(), config, ip: '127.0.0.1' };
    const headers: Record<string, string> = {};
    const opts = (cost: number) => ({ cost, policies: [], setHeaders: (x: Record<string, string>) => Object.assign(headers, x) });

    const first = await authenticate(view(key), security, ctx, opts(3));
    expect(first!.rateLimit.windows.map((w) => [w.name, w.remaining])).toEqual([['key', 7], ['org', 997]]);
    expect(headers['X-RateLimit-Remaining']).toBe('7');
    await authenticate(view(key), security, ctx, opts(7));
    // Full now: a one-slot request is refused with the time until it fits, and nothing is taken.
    await expect(authenticate(view(key), security, ctx, opts(1))).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    const res = await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(429);
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    // The organisation's window holds 10 of its 1000, not more: refused requests consumed nothing.
    const { rows } = await h.db.query('SELECT total FROM rate_limit_windows WHERE bucket = $1', [`org:${org.id}`]);
    expect(rows[0].total).toBe(10);
  });
});
