import type request from 'supertest';
import { listQuery } from '../../src/db/list';
import { auditEventsList } from '../../handlers/access/listAuditEvents';
import { createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { scansOf } from '../helpers/plans';


/** A 400 VALIDATION_ERROR naming exactly these query parameters. */
function expectNaming(res: request.Response, ...fields: string[]): void {
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('VALIDATION_ERROR');
  expect(res.body.details.map((d: { loc: string[] }) => d.loc).sort()).toEqual(fields.map((f) => ['query', f]).sort());
  for (const f of fields) expect(res.body.error).toContain(f);
}

const b64 = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');
const unb64 = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString());

describe('GET /api/v1/audit-events', () => {
  let h: Harness;
  let orgId: string;
  let owner: { cookie: string; csrf: string };
  beforeAll(async () => {
    h = await startHarness();
    orgId = (await createOrg(h.db)).id;
    owner = await signIn(h.api, await createUser(h.db, { orgId, role: 'owner' }));
  });
  afterAll(() => h.close());

  it('lists what happened, newest first, filtered by action, actor type and time; never another organisation’s', async () => {
    const created = await h.api.post('/api/v1/api-keys').set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf).send({ name: 'audited', scopes: ['read:catalogue'] }).expect(201);
    await h.api.post(`/api/v1/api-keys/${created.body.api_key.id}/revoke`).set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf).expect(200);
    const other = await createOrg(h.db);
    await h.db.query(`INSERT INTO audit_events (org_id, actor_type, action) VALUES ($1, 'system', 'api_key.created')`, [other.id]);

    const all = await h.api.get('/api/v1/audit-events').set('Cookie', owner.cookie).expect(200);
    expect(all.body.items.map((e: { action: string }) => e.action)).toEqual(['api_key.revoked', 'api_key.created', 'auth.login']);
    const filtered = await h.api.get('/api/v1/audit-events?action=api_key.created&actor_type=user').set('Cookie', owner.cookie).expect(200);
    expect(filtered.body).toMatchObject({ total: 1, items: [{ action: 'api_key.created', target_id: created.body.api_key.id, ip: '127.0.0.1' }] });
    const future = await h.api.get('/api/v1/audit-events?since=2999-01-01T00:00:00Z').set('Cookie', owner.cookie).expect(200);
    expect(future.body.total).toBe(0);
  });

  it('refuses a malformed date with 400 naming it', async () => {
    const res = await h.api.get('/api/v1/audit-events?since=yesterday').set('Cookie', owner.cookie).expect(400);
    expect(res.body.details[0].loc).toEqual(['query', 'since']);
  });

  it('refuses since after until with a 400 naming both, to the microsecond; the same instant in two offsets is an empty window', async () => {
    const get = (q: string) => h.api.get(`/api/v1/audit-events?${q}`).set('Cookie', owner.cookie);
    expectNaming(await get('since=2026-05-16T00:00:00Z&until=2026-05-10T00:00:00Z'), 'since', 'until');
    expectNaming(await get('since=2026-05-10T00:00:00.000002Z&until=2026-05-10T00:00:00.000001Z'), 'since', 'until');
    // The same instant written in two offsets is not "after".
    expect((await get('since=2026-05-10T02:00:00%2B02:00&until=2026-05-10T00:00:00Z').expect(200)).body.total).toBe(0);
    expect((await get('since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00Z').expect(200)).body.total).toBeGreaterThan(0);
  });
});

describe('GET /api/v1/audit-events by cursor', () => {
  let h: Harness;
  let orgId: string;
  let owner: { cookie: string; csrf: string };
  const get = (q: string) => h.api.get(`/api/v1/audit-events?${q}`).set('Cookie', owner.cookie);
  beforeAll(async () => {
    h = await startHarness();
    orgId = (await createOrg(h.db)).id;
    owner = await signIn(h.api, await createUser(h.db, { orgId, role: 'owner' }));
    // 25 events: 10 at one instant (only the id orders them), 2 one microsecond apart, the rest spread.
    await h.db.query(
      `INSERT INTO audit_events (org_id, actor_type, action, metadata, created_at)
       SELECT $1, 'system', 'test.walk', jsonb_build_object('n', i),
              CASE WHEN i <= 10 THEN timestamptz '2026-05-01T09:30:00Z'
                   WHEN i = 11 THEN timestamptz '2026-05-01T09:30:00.000001Z'
                   WHEN i = 12 THEN timestamptz '2026-05-01T09:30:00.000002Z'
                   ELSE timestamptz '2026-05-01T09:30:00Z' + (i - 12) * interval '1 hour' END
         FROM generate_series(1, 25) i`,
      [orgId],
    );
  });
  afterAll(() => h.close());

  const order = async (): Promise<string[]> =>
    (await h.db.query(`SELECT id FROM audit_events WHERE org_id = $1 AND action = 'test.walk' ORDER BY created_at DESC, id DESC`, [orgId])).rows.map((r) => r.id);

  it('walks every event exactly once, in order, while events are written between pages', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (let k = 1; ; k++) {
      const res: request.Response = await get(`action=test.walk&limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      expect(res.body).toMatchObject({ limit: 3, offset: 0 });
      seen.push(...res.body.items.map((e: { id: string }) => e.id));
      pages++;
      cursor = res.body.next_cursor;
      if (cursor === null) {
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        break;
      }
      expect(res.body.items).toHaveLength(3);
      // Between two pages: one event newer than all (ahead of the walk), one older than all (still ahead of the cursor).
      await h.db.query(
        `INSERT INTO audit_events (org_id, actor_type, action, metadata, created_at)
         VALUES ($1, 'system', 'test.walk', '{"newer": true}', now()), ($1, 'system', 'test.walk', '{}', timestamptz '2000-01-01T00:00:00Z' - $2 * interval '1 day')`,
        [orgId, k],
      );
    }
    const { rows: newer } = await h.db.query(`SELECT id FROM audit_events WHERE org_id = $1 AND metadata ? 'newer'`, [orgId]);
    const expected = (await order()).filter((id) => !newer.some((r) => r.id === id));
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(25 + pages - 1);
  });

  it('gives next_cursor on offset pages too, null on the last page; a cursor walks on from any of them', async () => {
    const all = await order();
    const second = await get(`action=test.walk&limit=5&offset=5`).expect(200);
    expect(second.body.items.map((e: { id: string }) => e.id)).toEqual(all.slice(5, 10));
    const third = await get(`action=test.walk&limit=5&cursor=${second.body.next_cursor}`).expect(200);
    expect(third.body).toMatchObject({ offset: 0, total: all.length });
    expect(third.body.items.map((e: { id: string }) => e.id)).toEqual(all.slice(10, 15));
    const last = await get(`action=test.walk&limit=5&offset=${all.length - 5}`).expect(200);
    expect(last.body.next_cursor).toBeNull();
    const exact = await get(`action=test.walk&limit=${all.length}`).expect(200);
    expect(exact.body).toMatchObject({ next_cursor: null, total: all.length });
  });

  it('refuses a cursor with a non-zero offset, naming both; offset=0 is fine', async () => {
    const first = await get('action=test.walk&limit=2').expect(200);
    expectNaming(await get(`action=test.walk&limit=2&offset=2&cursor=${first.body.next_cursor}`), 'cursor', 'offset');
    await get(`action=test.walk&limit=2&offset=0&cursor=${first.body.next_cursor}`).expect(200);
  });

  it('refuses a malformed or tampered cursor with a 400 naming cursor', async () => {
    const real: string = (await get('limit=1').expect(200)).body.next_cursor;
    const [tag, at, id] = unb64(real);
    for (const bad of [
      'abc',
      '!!!',
      'x'.repeat(513),
      b64({ tag, at, id }),
      b64([tag, at]),
      b64([tag, at, id, 'more']),
      b64(['AAAAAAAA', at, id]), // another list's tag
      b64([tag, '2026-02-30T09:30:00.000000Z', id]), // no such day
      b64([tag, '2026-05-01 09:30:00', id]),
      b64([tag, at, 'not-a-uuid']),
      b64([tag, 17, id]),
    ]) {
      expectNaming(await get(`cursor=${encodeURIComponent(bad)}`), 'cursor');
    }
  });

  it('starts a page at its cursor with one index range scan, deep in a long log, in the generic plan too', async () => {
    await h.db.query(
      `INSERT INTO audit_events (org_id, actor_type, action, created_at)
       SELECT $1, 'system', 'test.bulk', timestamptz '2020-01-01T00:00:00Z' + i * interval '1 second' FROM generate_series(1, 100000) i`,
      [orgId],
    );
    await h.db.query('ANALYZE audit_events');
    const deep = (await h.db.query(`SELECT created_at, id FROM audit_events WHERE org_id = $1 ORDER BY created_at DESC, id DESC OFFSET 90000 LIMIT 1`, [orgId])).rows[0];
    const page = await get('limit=50').expect(200);
    const cursor = b64([unb64(page.body.next_cursor)[0], deep.created_at.toISOString().replace('Z', '000Z'), deep.id]);
    const res = await get(`limit=50&cursor=${cursor}`).expect(200);
    expect(res.body.items[0].created_at < deep.created_at.toISOString()).toBe(true);
    // The statement the handler runs for that request, prepared on one connection.
    const query = listQuery(auditEventsList(orgId, {}), { limit: 50, offset: 0, cursor });
    const c = await h.db.connect();
    try {
      await c.query('SET plan_cache_mode = force_generic_plan');
      for (let i = 0; i < 10; i++) await c.query(query);
      const args = query.values.map((v) => (typeof v === 'number' ? String(v) : c.escapeLiteral(String(v)))).join(', ');
      const { rows } = await c.query(`EXPLAIN (FORMAT JSON) EXECUTE ${query.name}(${args})`);
      const scans = scansOf(rows[0]['QUERY PLAN'][0].Plan, 'audit_events');
      // Two reads: the total (the whole filter, whatever the page) and the page, which starts at the cursor.
      const pageScans = scans.filter((s) => /ROW\(created_at, id\) < ROW/.test(s['Index Cond'] ?? ''));
      expect(pageScans).toEqual([expect.objectContaining({ 'Node Type': expect.stringMatching(/^Index (Only )?Scan$/), 'Index Name': 'audit_events_org_created_idx' })]);
      expect(scans).toHaveLength(2);
    } finally {
      await c.query('RESET plan_cache_mode');
      c.release();
    }
  });
});
