// Sliding-window limits per key and per organisation, atomic in PostgreSQL.
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('rate limits under concurrency', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('admits exactly 60 of 100 concurrent requests on a key limited to 60; the 40 others get 429 with Retry-After', async () => {
    const { key } = await createApiKey(h.db, { orgId: (await createOrg(h.db)).id, scopes: [], rateLimitPerMinute: 60 });
    const results = await Promise.all(Array.from({ length: 100 }, () => h.api.get('/api/v1/whoami').set('X-API-Key', key)));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(60);
    expect(limited).toHaveLength(40);
    for (const r of limited) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.headers['x-ratelimit-remaining']).toBe('0');
    }
    // Every admitted request saw a distinct remaining count: 59 … 0.
    expect(ok.map((r) => Number(r.headers['x-ratelimit-remaining'])).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});

describe('organisation limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_ORG_PER_MINUTE: '5' } });
  });
  afterAll(() => h.close());

  it("is shared by the organisation's keys, and one key's use does not spend another organisation's or key's budget", async () => {
    const org = await createOrg(h.db);
    const a = await createApiKey(h.db, { orgId: org.id, scopes: [], rateLimitPerMinute: 100 });
    const b = await createApiKey(h.db, { orgId: org.id, scopes: [], rateLimitPerMinute: 100 });
    for (let i = 0; i < 3; i++) await h.api.get('/api/v1/whoami').set('X-API-Key', a.key).expect(200);
    await h.api.get('/api/v1/whoami').set('X-API-Key', b.key).expect(200);
    const last = await h.api.get('/api/v1/whoami').set('X-API-Key', b.key).expect(200);
    // The organisation is the tighter limit now, and the headers say so.
    expect(last.headers).toMatchObject({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', ratelimit: expect.stringMatching(/^"org";r=0;t=\d+$/) });
    const refused = await h.api.get('/api/v1/whoami').set('X-API-Key', a.key).expect(429);
    expect(refused.body.error).toMatch(/organisation/);
    // Another organisation is untouched.
    const c = await createApiKey(h.db, { orgId: (await createOrg(h.db)).id, scopes: [] });
    await h.api.get('/api/v1/whoami').set('X-API-Key', c.key).expect(200);
  });

  it("keeps keys apart: one key's exhaustion leaves another key of the same organisation its own budget", async () => {
    const org = await createOrg(h.db);
    const a = await createApiKey(h.db, { orgId: org.id, scopes: [], rateLimitPerMinute: 2 });
    const b = await createApiKey(h.db, { orgId: org.id, scopes: [], rateLimitPerMinute: 2 });
    await h.api.get('/api/v1/whoami').set('X-API-Key', a.key).expect(200);
    await h.api.get('/api/v1/whoami').set('X-API-Key', a.key).expect(200);
    await h.api.get('/api/v1/whoami').set('X-API-Key', a.key).expect(429);
    await h.api.get('/api/v1/whoami').set('X-API-Key', b.key).expect(200);
  });
});

describe('the window slides (injected clock)', () => {
  let h: Harness;
  let now = new Date('2026-05-10T10:00:59.000Z');
  beforeAll(async () => {
    h = await startHarness({ clock: () => now });
  });
  afterAll(() => h.close());

  it('60 requests at 0:59 then 60 at 1:01 → the second 60 are refused until slots free; headers count down; Reset is the next admission', async () => {
    const { key } = await createApiKey(h.db, { orgId: (await createOrg(h.db)).id, scopes: [], rateLimitPerMinute: 60 });
    const get = () => h.api.get('/api/v1/whoami').set('X-API-Key', key);
    // Counted per second: the hits of second 0:59 leave the window when second 2:00 begins.
    const firstSlotFrees = new Date('2026-05-10T10:02:00.000Z').getTime() / 1000;
    for (let i = 0; i < 60; i++) {
      const res = await get().expect(200);
      expect(res.headers['x-ratelimit-remaining']).toBe(String(59 - i));
      const reset = Number(res.headers['x-ratelimit-reset']);
      // While there is room, a request is admitted now; at 0 remaining, when the oldest hit leaves.
      expect(reset).toBe(i < 59 ? Math.ceil(now.getTime() / 1000) : firstSlotFrees);
    }
    // A fixed-window counter would reset at 1:00 and admit these: a sliding window must not.
    now = new Date('2026-05-10T10:01:01.000Z');
    for (let i = 0; i < 60; i++) {
      const res = await get().expect(429);
      expect(res.headers['retry-after']).toBe('59');
      expect(Number(res.headers['x-ratelimit-reset'])).toBe(firstSlotFrees);
    }
    now = new Date('2026-05-10T10:01:59.999Z');
    await get().expect(429);
    // Refused requests consumed nothing: as soon as the 0:59 hits leave the window, 60 are admitted again.
    now = new Date('2026-05-10T10:02:00.000Z');
    for (let i = 0; i < 60; i++) await get().expect(200);
    await get().expect(429);
  });
});
