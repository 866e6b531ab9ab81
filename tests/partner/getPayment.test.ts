import { createCall, createLead, createPayment, createProduct, createTeamMember } from '../helpers/partner-factories';
import { expectInvalid, expectNotFound, partnerWorld, type PartnerWorld } from './world';

describe('GET /api/v1/payments/{id}', () => {
  let w: PartnerWorld;
  let lead: string;
  let amelie: string;
  let bram: string;
  let product: string;
  let call: string;
  let paid: string;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:payments');
    amelie = await createTeamMember(w.h.db, w.org, { role: 'closer' });
    bram = await createTeamMember(w.h.db, w.org, { role: 'setter' });
    lead = await createLead(w.h.db, w.org);
    product = await createProduct(w.h.db, w.org, { billing: 'payment_plan', installmentCount: 3 });
    call = await createCall(w.h.db, w.org, { leadId: lead, status: 'completed', endedAt: '2026-05-12T08:34:00Z', outcome: 'won' });
    paid = await createPayment(w.h.db, w.org, {
      leadId: lead, productId: product, callId: call, closerId: amelie, amount: 320000, processor: 'stripe', processorPaymentId: 'pi_3PqX2aLkdIwHu7ix',
      installmentNumber: 1, paidAt: '2026-05-12T09:02:44Z', createdAt: '2026-05-12T09:02:40Z',
      commissions: [{ teamMemberId: amelie, role: 'closer', rateBps: 800 }, { teamMemberId: bram, role: 'setter', rateBps: 300, status: 'paid', paidAt: '2026-06-01T10:00:00Z' }],
    });
    foreign = await createPayment(w.h.db, w.other, { leadId: await createLead(w.h.db, w.other) });
  });
  afterAll(() => w.h.close());

  it('answers the payment with the commissions it generated', async () => {
    const res = await w.get(`/api/v1/payments/${paid}`).expect(200);
    expect(res.body).toEqual({
      id: paid, lead_id: lead, product_id: product, call_id: call, closer_id: amelie, amount: 320000, amount_refunded: 0, currency: 'EUR',
      status: 'succeeded', processor: 'stripe', processor_payment_id: 'pi_3PqX2aLkdIwHu7ix', installment_number: 1, paid_at: '2026-05-12T09:02:44Z',
      commissions: expect.any(Array),
      created_at: '2026-05-12T09:02:40Z', updated_at: '2026-05-12T09:02:40Z',
    });
    const expected = [
      { team_member_id: amelie, role: 'closer', rate_bps: 800, amount: 25600, currency: 'EUR', status: 'pending', paid_at: null, created_at: '2026-05-12T09:02:40Z', updated_at: '2026-05-12T09:02:40Z' },
      { team_member_id: bram, role: 'setter', rate_bps: 300, amount: 9600, currency: 'EUR', status: 'paid', paid_at: '2026-06-01T10:00:00Z', created_at: '2026-05-12T09:02:40Z', updated_at: '2026-05-12T09:02:40Z' },
    ];
    const { rows } = await w.h.db.query('SELECT id, team_member_id FROM commissions WHERE payment_id = $1 ORDER BY id', [paid]);
    // Earned in the same instant: by id, the documented tie-break.
    expect(res.body.commissions).toEqual(rows.map((r) => ({ id: r.id, ...expected.find((e) => e.team_member_id === r.team_member_id) })));
  });

  it('a refund shows as amount_refunded and status', async () => {
    const refunded = await createPayment(w.h.db, w.org, { leadId: lead, amount: 15000, status: 'partially_refunded', amountRefunded: 5000 });
    expect((await w.get(`/api/v1/payments/${refunded}`).expect(200)).body).toMatchObject({ amount: 15000, amount_refunded: 5000, status: 'partially_refunded', commissions: [] });
  });

  it('the database refuses commissions that exceed the payment, at insert and when the amount drops', async () => {
    await expect(createPayment(w.h.db, w.org, {
      leadId: lead, amount: 10000, commissions: [{ teamMemberId: amelie, amount: 6000 }, { teamMemberId: bram, role: 'setter', amount: 4001 }],
    })).rejects.toMatchObject({ code: '23514', constraint: 'commissions_within_payment' });
    // Exactly the amount is allowed; voided commissions do not count.
    const full = await createPayment(w.h.db, w.org, {
      leadId: lead, amount: 10000, commissions: [{ teamMemberId: amelie, amount: 6000 }, { teamMemberId: bram, role: 'setter', amount: 4000 }, { teamMemberId: bram, role: 'manager', amount: 9000, status: 'voided' }],
    });
    await expect(w.h.db.query('INSERT INTO commissions (org_id, payment_id, team_member_id, role, rate_bps, amount) VALUES ($1, $2, $3, $4, 0, 1)', [w.org, full, amelie, 'manager']))
      .rejects.toMatchObject({ code: '23514' });
    await expect(w.h.db.query('UPDATE payments SET amount = 9999 WHERE id = $1', [full])).rejects.toMatchObject({ code: '23514' });
    await expect(w.h.db.query(`UPDATE commissions SET status = 'pending' WHERE payment_id = $1 AND role = 'manager'`, [full])).rejects.toMatchObject({ code: '23514' });
    const after = (await w.get(`/api/v1/payments/${full}`).expect(200)).body;
    expect(after.amount).toBe(10000);
    expect(after.commissions.map((c: { amount: number }) => c.amount).sort()).toEqual([4000, 6000, 9000]);
  });

  it('answers 404 for an unknown id and for another organisation’s payment alike', async () => {
    await expectNotFound(w, '/api/v1/payments', foreign, 'Payment');
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/payments/pi_3PqX2aLkdIwHu7ix'), ['path', 'id']);
  });
});
