import { createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('POST /api/v1/api-keys', () => {
  let h: Harness;
  let orgId: string;
  let owner: { cookie: string; csrf: string };
  let ownerId: string;
  beforeAll(async () => {
    h = await startHarness({ captureLogs: true });
    orgId = (await createOrg(h.db, { edition: 'restaurant_group' })).id;
    const u = await createUser(h.db, { orgId, role: 'owner' });
    ownerId = u.id;
    owner = await signIn(h.api, u);
  });
  afterAll(() => h.close());

  const create = (s: { cookie: string; csrf: string }, body: object) => h.api.post('/api/v1/api-keys').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send(body);

  it('creates a key for an owner, shows it once, stores only its digest, and audits it in the same transaction', async () => {
    const res = await create(owner, { name: 'Make.com ETL prod', description: 'nightly', scopes: ['read:catalogue', 'read:tickets'], rate_limit_per_minute: 120 }).expect(201);
    const { key, api_key } = res.body;
    expect(key).toMatch(/^ak_[0-9a-f]{64}$/);
    expect(api_key).toMatchObject({ name: 'Make.com ETL prod', prefix: key.slice(0, 11), scopes: ['read:catalogue', 'read:tickets'], status: 'active', created_by: ownerId, rate_limit_per_minute: 120 });
    // The key works at once…
    await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);
    // …and is never shown again.
    const again = await h.api.get(`/api/v1/api-keys/${api_key.id}`).set('Cookie', owner.cookie).expect(200);
    expect(JSON.stringify(again.body)).not.toContain(key);
    const { rows } = await h.db.query(`SELECT action, actor_type, actor_id, target_id, metadata FROM audit_events WHERE target_id = $1`, [api_key.id]);
    expect(rows).toEqual([{ action: 'api_key.created', actor_type: 'user', actor_id: ownerId, target_id: api_key.id, metadata: expect.objectContaining({ name: 'Make.com ETL prod' }) }]);
  });

  // Seed 001: 100/min per key for partner integrations, 60 (seed 000) otherwise; the org's 1000 stays.
  it.each([
    ['a partner scope', ['read:leads'], undefined, 100],
    ['a partner scope beside POS ones', ['read:catalogue', 'read:payments'], undefined, 100],
    ['POS scopes only', ['read:catalogue', 'read:tickets'], undefined, 60],
    ['an explicit limit, partner scope or not', ['read:leads'], 30, 30],
  ])('gives a key with %s its default rate limit, which its responses announce', async (_what, scopes, explicit, limit) => {
    const res = await create(owner, { name: `limits ${scopes.join(' ')}`, scopes, ...(explicit ? { rate_limit_per_minute: explicit } : {}) }).expect(201);
    expect(res.body.api_key.rate_limit_per_minute).toBe(limit);
    const { rows } = await h.db.query('SELECT rate_limit_per_minute FROM api_keys WHERE id = $1', [res.body.api_key.id]);
    expect(rows[0].rate_limit_per_minute).toBe(limit);
    const use = await h.api.get('/api/v1/whoami').set('Authorization', `Bearer ${res.body.key}`).expect(200);
    expect(use.headers['x-ratelimit-limit']).toBe(String(limit));
    expect(use.headers['ratelimit-policy']).toBe(`"key";q=${limit};w=60, "org";q=1000;w=60`);
  });

  it('leaves the plaintext key nowhere in the database or the logs', async () => {
    const res = await create(owner, { name: 'secret hunt', scopes: ['read:clients'] }).expect(201);
    const key: string = res.body.key;
    await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);
    await h.api.get('/api/v1/whoami').set('Authorization', `Bearer ${key}`).expect(200);
    // Every row of every table, as text.
    const { rows: tables } = await h.db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    for (const { tablename } of tables) {
      const { rows } = await h.db.query(`SELECT t::text AS row FROM "${tablename}" t`);
      for (const { row } of rows) expect(row).not.toContain(key.slice(3));
    }
    expect(h.logs.length).toBeGreaterThan(0);
    expect(h.logs.join('\n')).not.toContain(key.slice(3));
    expect(h.logs.join('\n')).not.toContain(owner.cookie.split('=')[1]);
  });

  it('is for owners: an admin or a member gets 403 FORBIDDEN and nothing is created', async () => {
    for (const role of ['admin', 'member'] as const) {
      const s = await signIn(h.api, await createUser(h.db, { orgId, role }));
      const res = await create(s, { name: `by ${role}`, scopes: ['read:catalogue'] }).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    const { rows } = await h.db.query(`SELECT count(*)::int AS n FROM api_keys WHERE name LIKE 'by %'`);
    expect(rows[0].n).toBe(0);
  });

  it('refuses an organisation without API access with 403 API_ACCESS_DISABLED', async () => {
    const express = await createOrg(h.db, { edition: 'express' });
    const s = await signIn(h.api, await createUser(h.db, { orgId: express.id, role: 'owner' }));
    const res = await create(s, { name: 'x', scopes: ['read:catalogue'] }).expect(403);
    expect(res.body.code).toBe('API_ACCESS_DISABLED');
  });

  it.each([
    [{ name: 'x', scopes: ['read:everything'] }, ['body', 'scopes', 0]],
    [{ name: '', scopes: ['read:catalogue'] }, ['body', 'name']],
    [{ name: 'x', scopes: [] }, ['body', 'scopes']],
    [{ name: 'x', scopes: ['read:catalogue'], rate_limit_per_minute: 0 }, ['body', 'rate_limit_per_minute']],
    [{ name: 'x', scopes: ['read:catalogue'], expires_at: '2001-01-01T00:00:00Z' }, ['body', 'expires_at']],
    [{ name: 'x', scopes: ['read:catalogue'], owner: 'me' }, ['body', 'owner']],
  ])('refuses %j with 400 naming %j', async (body, loc) => {
    const res = await create(owner, body).expect(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
  });

  it('needs the CSRF token', async () => {
    const res = await h.api.post('/api/v1/api-keys').set('Cookie', owner.cookie).send({ name: 'x', scopes: ['read:catalogue'] }).expect(403);
    expect(res.body.code).toBe('CSRF_FAILED');
  });

  it('refuses a body that is not JSON (415) or is over 100 kB (413)', async () => {
    await h.api.post('/api/v1/api-keys').set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf).set('Content-Type', 'text/plain').send('name=x').expect(415);
    await create(owner, { name: 'x', scopes: ['read:catalogue'], description: 'd'.repeat(101 * 1024) }).expect(413);
  });
});
