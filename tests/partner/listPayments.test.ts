import { createLead, createPayment, createProduct, createTeamMember } from '../helpers/partner-factories';
import { BAD_LIST_QUERIES, expectInvalid, ids, partnerWorld, walk, type PartnerWorld } from './world';

describe('GET /api/v1/payments', () => {
  let w: PartnerWorld;
  let julie: string;
  let marc: string;
  let amelie: string;
  let bram: string;
  let wedding: string;
  let lunch: string;
  let p: Record<'aprilLate' | 'mayFirst' | 'pending' | 'refunded' | 'mayLast' | 'june', string>;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:payments');
    amelie = await createTeamMember(w.h.db, w.org, { role: 'closer' });
    bram = await createTeamMember(w.h.db, w.org, { role: 'setter' });
    julie = await createLead(w.h.db, w.org, { firstName: 'Julie' });
    marc = await createLead(w.h.db, w.org, { firstName: 'Marc' });
    wedding = await createProduct(w.h.db, w.org, { name: 'Wedding' });
    lunch = await createProduct(w.h.db, w.org, { name: 'Lunch club', billing: 'recurring' });
    // Brussels is UTC+2 in May: the days 1–31 May are [30 April 22:00Z, 31 May 22:00Z).
    p = {
      aprilLate: await createPayment(w.h.db, w.org, { leadId: julie, productId: wedding, closerId: amelie, paidAt: '2026-04-30T21:59:59Z', createdAt: '2026-04-30T21:59:59Z' }),
      mayFirst: await createPayment(w.h.db, w.org, {
        leadId: julie, productId: wedding, closerId: amelie, paidAt: '2026-04-30T22:00:00Z', createdAt: '2026-04-30T22:00:00Z',
        commissions: [{ teamMemberId: amelie }, { teamMemberId: bram, role: 'setter', rateBps: 300 }],
      }),
      pending: await createPayment(w.h.db, w.org, { leadId: marc, productId: lunch, status: 'pending', createdAt: '2026-05-10T10:00:00Z' }),
      refunded: await createPayment(w.h.db, w.org, { leadId: marc, productId: lunch, status: 'refunded', paidAt: '2026-05-11T10:00:00Z', createdAt: '2026-05-11T10:00:00Z', updatedAt: '2026-06-05T10:00:00Z' }),
      mayLast: await createPayment(w.h.db, w.org, { leadId: marc, closerId: bram, paidAt: '2026-05-31T21:59:59Z', createdAt: '2026-05-31T21:59:59Z' }),
      june: await createPayment(w.h.db, w.org, { leadId: julie, paidAt: '2026-05-31T22:00:00Z', createdAt: '2026-05-31T22:00:00Z' }),
    };
    foreign = await createPayment(w.h.db, w.other, { leadId: await createLead(w.h.db, w.other), createdAt: '2026-05-15T10:00:00Z' });
  });
  afterAll(() => w.h.close());

  it('lists payments oldest first (created_at, id), each with its commissions', async () => {
    const res = await w.get('/api/v1/payments').expect(200);
    expect(res.body).toMatchObject({ total: 6, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([p.aprilLate, p.mayFirst, p.pending, p.refunded, p.mayLast, p.june]);
    expect(res.body.items[1].commissions).toHaveLength(2);
    expect(res.body.items[1].commissions.map((c: { amount: number }) => c.amount).sort()).toEqual([32000, 9600].sort());
    expect(res.body.items[2]).toMatchObject({ status: 'pending', paid_at: null, commissions: [] });
  });

  it('filters by status, lead and product', async () => {
    expect(ids((await w.get('/api/v1/payments?status=refunded').expect(200)).body.items)).toEqual([p.refunded]);
    expect(ids((await w.get(`/api/v1/payments?lead_id=${marc}`).expect(200)).body.items)).toEqual([p.pending, p.refunded, p.mayLast]);
    expect(ids((await w.get(`/api/v1/payments?product_id=${wedding}`).expect(200)).body.items)).toEqual([p.aprilLate, p.mayFirst]);
    expect(ids((await w.get(`/api/v1/payments?lead_id=${marc}&status=succeeded`).expect(200)).body.items)).toEqual([p.mayLast]);
  });

  it('team_member_id: the payments a member closed or earns a commission on', async () => {
    expect(ids((await w.get(`/api/v1/payments?team_member_id=${amelie}`).expect(200)).body.items)).toEqual([p.aprilLate, p.mayFirst]);
    // Bram closed one and is the setter on another.
    expect(ids((await w.get(`/api/v1/payments?team_member_id=${bram}`).expect(200)).body.items)).toEqual([p.mayFirst, p.mayLast]);
  });

  it('paid_from/paid_to are whole days of paid_at in the organisation’s time zone', async () => {
    const may = await w.get('/api/v1/payments?paid_from=2026-05-01&paid_to=2026-05-31').expect(200);
    expect(ids(may.body.items)).toEqual([p.mayFirst, p.refunded, p.mayLast]);
    expect(ids((await w.get('/api/v1/payments?paid_to=2026-04-30').expect(200)).body.items)).toEqual([p.aprilLate]);
  });

  it('paid_to before paid_from is a 400 naming both', async () => {
    const res = await w.get('/api/v1/payments?paid_from=2026-05-31&paid_to=2026-05-01');
    expectInvalid(res, ['query', 'paid_from']);
    expectInvalid(res, ['query', 'paid_to']);
  });

  it('with updated_since: by updated_at then id; a commission change changes its payment', async () => {
    expect(ids((await w.get('/api/v1/payments?updated_since=2026-06-01T00:00:00Z').expect(200)).body.items)).toEqual([p.refunded]);
    await w.h.db.query(`UPDATE commissions SET status = 'approved' WHERE payment_id = $1 AND team_member_id = $2`, [p.mayFirst, bram]);
    const after = await w.get('/api/v1/payments?updated_since=2026-06-01T00:00:00Z').expect(200);
    expect(ids(after.body.items)).toEqual([p.refunded, p.mayFirst]);
    expect(after.body.items[1].commissions).toContainEqual(expect.objectContaining({ team_member_id: bram, status: 'approved' }));
  });

  it('never shows another organisation’s payments', async () => {
    expect(ids(await walk(w, '/api/v1/payments'))).not.toContain(foreign);
    expect(ids(await walk(w, '/api/v1/payments', '', w.otherKey))).toEqual([foreign]);
    expect((await w.get(`/api/v1/payments?team_member_id=${amelie}`, w.otherKey).expect(200)).body.total).toBe(0);
  });

  it.each([
    ...BAD_LIST_QUERIES, ['status=paid', 'status'], ['lead_id=x', 'lead_id'], ['product_id=1', 'product_id'], ['team_member_id=me', 'team_member_id'],
    ['paid_from=2026-5-1', 'paid_from'], ['paid_to=2026-05-32', 'paid_to'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/payments?${query}`), ['query', field]);
  });
});
