import { createBookingLink, createLead, createTeamMember } from '../helpers/partner-factories';
import { listQuery } from '../../src/db/list';
import { leadsList } from '../../handlers/partner/listLeads';
import { scansOf, type PlanNode } from '../helpers/plans';
import { BAD_LIST_QUERIES, expectInvalid, ids, partnerWorld, walk, type Listed, type PartnerWorld } from './world';

describe('GET /api/v1/leads', () => {
  let w: PartnerWorld;
  let amelie: string;
  let bram: string;
  let link: string;
  let l: Record<'beforeMay' | 'firstInstant' | 'form' | 'lastInstant' | 'afterMay', string>;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:leads');
    amelie = await createTeamMember(w.h.db, w.org, { name: 'Amélie' });
    bram = await createTeamMember(w.h.db, w.org, { name: 'Bram' });
    link = await createBookingLink(w.h.db, w.org, { memberIds: [amelie] });
    // Brussels is UTC+2 in May: the days 1–31 May are [30 April 22:00Z, 31 May 22:00Z).
    l = {
      beforeMay: await createLead(w.h.db, w.org, { firstName: 'Avant', email: null, assignedToId: amelie, status: 'booked', createdAt: '2026-04-30T21:59:59Z' }),
      firstInstant: await createLead(w.h.db, w.org, {
        firstName: 'Julie', email: 'Julie.Martin@Example.com', assignedToId: amelie, bookingLinkId: link, status: 'booked', createdAt: '2026-04-30T22:00:00Z',
      }),
      form: await createLead(w.h.db, w.org, { firstName: 'Marc', email: 'marc@example.com', source: 'form', assignedToId: bram, status: 'booked', createdAt: '2026-05-15T10:00:00Z', updatedAt: '2026-06-02T08:00:00Z' }),
      lastInstant: await createLead(w.h.db, w.org, { firstName: 'Lotte', email: null, assignedToId: amelie, status: 'won', createdAt: '2026-05-31T21:59:59Z' }),
      afterMay: await createLead(w.h.db, w.org, { firstName: 'Après', email: 'apres@example.com', status: 'new', createdAt: '2026-05-31T22:00:00Z' }),
    };
    foreign = await createLead(w.h.db, w.other, { firstName: 'Foreign', email: 'julie.martin@example.com', createdAt: '2026-05-10T10:00:00Z' });
  });
  afterAll(() => w.h.close());

  it('answers the seed’s first request: every lead, oldest first (created_at, id)', async () => {
    const res = await w.h.api.get('/api/v1/leads').set('Authorization', `Bearer ${w.key}`).expect(200);
    expect(res.body).toMatchObject({ total: 5, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([l.beforeMay, l.firstInstant, l.form, l.lastInstant, l.afterMay]);
  });

  it('a closer’s pipeline: assigned_to with status', async () => {
    expect(ids((await w.get(`/api/v1/leads?assigned_to=${amelie}&status=booked`).expect(200)).body.items)).toEqual([l.beforeMay, l.firstInstant]);
    expect(ids((await w.get(`/api/v1/leads?assigned_to=${amelie}`).expect(200)).body.items)).toEqual([l.beforeMay, l.firstInstant, l.lastInstant]);
    expect(ids((await w.get('/api/v1/leads?status=booked').expect(200)).body.items)).toEqual([l.beforeMay, l.firstInstant, l.form]);
  });

  it('filters by booking link, source and email (case-insensitive, exact)', async () => {
    expect(ids((await w.get(`/api/v1/leads?booking_link_id=${link}`).expect(200)).body.items)).toEqual([l.firstInstant]);
    expect(ids((await w.get('/api/v1/leads?source=form').expect(200)).body.items)).toEqual([l.form]);
    expect(ids((await w.get('/api/v1/leads?email=julie.martin%40example.com').expect(200)).body.items)).toEqual([l.firstInstant]);
    expect((await w.get('/api/v1/leads?email=julie').expect(200)).body.total).toBe(0);
  });

  it('created_from/created_to are whole days in the organisation’s time zone', async () => {
    const may = await w.get('/api/v1/leads?created_from=2026-05-01&created_to=2026-05-31').expect(200);
    expect(ids(may.body.items)).toEqual([l.firstInstant, l.form, l.lastInstant]);
    expect(ids((await w.get('/api/v1/leads?created_from=2026-05-31').expect(200)).body.items)).toEqual([l.lastInstant, l.afterMay]);
    expect(ids((await w.get('/api/v1/leads?created_to=2026-04-30').expect(200)).body.items)).toEqual([l.beforeMay]);
  });

  it('created_to before created_from is a 400 naming both', async () => {
    const res = await w.get('/api/v1/leads?created_from=2026-05-31&created_to=2026-05-01');
    expectInvalid(res, ['query', 'created_from']);
    expectInvalid(res, ['query', 'created_to']);
  });

  it('with updated_since: by updated_at then id', async () => {
    expect(ids((await w.get('/api/v1/leads?updated_since=2026-06-01T00:00:00Z').expect(200)).body.items)).toEqual([l.form]);
  });

  it('never shows another organisation’s leads, whatever the filter', async () => {
    expect(ids(await walk(w, '/api/v1/leads'))).not.toContain(foreign);
    expect(ids(await walk(w, '/api/v1/leads', 'email=julie.martin%40example.com', w.otherKey))).toEqual([foreign]);
    expect((await w.get(`/api/v1/leads?assigned_to=${amelie}`, w.otherKey).expect(200)).body.total).toBe(0);
  });

  it.each([
    ...BAD_LIST_QUERIES, ['status=hot', 'status'], ['assigned_to=me', 'assigned_to'], ['booking_link_id=1', 'booking_link_id'],
    ['source=tv', 'source'], ['created_from=2026-13-01', 'created_from'], ['created_to=31-05-2026', 'created_to'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/leads?${query}`), ['query', field]);
  });
});

describe('GET /api/v1/leads?assigned_to=…&status=… at 50,000 leads: the plans of the prepared statement the handler runs', () => {
  let w: PartnerWorld;
  let closer: string;
  beforeAll(async () => {
    w = await partnerWorld('read:leads');
    const members: string[] = [];
    for (let i = 0; i < 8; i++) members.push(await createTeamMember(w.h.db, w.org, { name: `Closer ${i}` }));
    closer = members[3];
    await w.h.db.query(
      `INSERT INTO leads (org_id, first_name, email, status, source, assigned_to_id, created_at, updated_at)
       SELECT $1, 'Lead ' || g, 'lead' || g || '@example.com',
              (ARRAY['new', 'contacted', 'booked', 'qualified', 'won', 'lost', 'disqualified'])[1 + g % 7],
              (ARRAY['booking_link', 'form', 'import', 'api', 'manual', 'other'])[1 + g % 6],
              ($2::uuid[])[1 + (g / 7) % 8], now() - g * interval '1 minute', now() - g * interval '1 minute'
         FROM generate_series(1, 50000) g`,
      [w.org, members],
    );
    await w.h.db.query('ANALYZE leads, team_members, organisations');
  }, 120_000);
  afterAll(() => w.h.close());

  it('reads one closer’s pipeline by the (org_id, assigned_to_id, status, created_at, id) index, in custom and generic plans', async () => {
    const res = await w.get(`/api/v1/leads?assigned_to=${closer}&status=booked`).expect(200);
    expect(res.body.total).toBeGreaterThan(500);
    expect(res.body.items.every((l: Listed) => l.assigned_to_id === closer && l.status === 'booked')).toBe(true);
    const query = listQuery(leadsList(w.org, { assigned_to: closer, status: 'booked' }), { limit: 50, offset: 0 });
    const c = await w.h.db.connect();
    try {
      for (let i = 0; i < 10; i++) await c.query(query);
      const args = query.values.map((v) => (typeof v === 'number' ? String(v) : c.escapeLiteral(String(v)))).join(', ');
      const explain = `EXPLAIN (FORMAT JSON) EXECUTE ${query.name}(${args})`;
      expectPipelineScans((await c.query(explain)).rows[0]['QUERY PLAN'][0].Plan);
      await c.query('SET plan_cache_mode = force_generic_plan');
      expectPipelineScans((await c.query(explain)).rows[0]['QUERY PLAN'][0].Plan);
    } finally {
      await c.query('RESET plan_cache_mode');
      c.release();
    }
  });
});

/**
 * The page and its count both read leads through the pipeline index with both keys in the index
 * condition: directly, or (the count) as a bitmap built from it. Never a sequential scan.
 */
function expectPipelineScans(plan: PlanNode): void {
  const scans = scansOf(plan, 'leads');
  expect(scans.length).toBeGreaterThan(0);
  for (const scan of scans) {
    const index = scan['Node Type'] === 'Bitmap Heap Scan' ? scan.Plans?.[0] : scan;
    expect(`${index?.['Node Type']} ${index?.['Index Name'] ?? ''}`).toMatch(/^(Bitmap )?Index (Only )?Scan leads_org_assigned_status_idx$/);
    expect(index?.['Index Cond']).toMatch(/assigned_to_id = .*status = /);
  }
}
