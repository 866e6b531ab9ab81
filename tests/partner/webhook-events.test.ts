// The partner module's webhook events (seed 001): published by triggers in the writer's own
// transaction, transition events once on the transition, nothing for a no-op update, `data` equal
// to what GET returns, signed on delivery, and only to subscribers holding the read scope.
import { createApiKey } from '../helpers/factories';
import { createCall, createLead, createPartnerPipeline, createPayment, createTeamMember } from '../helpers/partner-factories';
import { attemptDeps, createWebhookVia, deliverDue, manualClock, useWorldAndReceiver, verifySignature, WEBHOOK_SCOPES, type Receiver, type World } from '../webhooks/support';

const PARTNER_EVENTS = ['team_member.created', 'lead.created', 'lead.updated', 'call.completed', 'call.canceled', 'payment.succeeded', 'payment.refunded'];
const PARTNER_READ = ['read:team', 'read:leads', 'read:calls', 'read:payments'];
const PATHS: Record<string, string> = { team_member: 'team-members', lead: 'leads', call: 'calls', payment: 'payments' };

describe('partner webhook events', () => {
  let w: World;
  let receiver: Receiver;
  let reader: string;
  useWorldAndReceiver((s) => ({ w, receiver } = s), { reset: true });
  beforeAll(async () => {
    reader = (await createApiKey(w.h.db, { orgId: w.orgId, scopes: PARTNER_READ, rateLimitPerMinute: 10_000 })).key;
  });

  /** A subscription of the world's organisation, made with a key holding the partner read scopes. */
  async function subscribe(events: string[]) {
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: [...WEBHOOK_SCOPES, ...PARTNER_READ], rateLimitPerMinute: 10_000 });
    return createWebhookVia(w, { url: `http://127.0.0.1:${receiver.port}/partner`, events }, key);
  }
  /** The events queued for an endpoint, oldest first, with their data as rendered at commit. */
  async function eventsFor(endpointId: string) {
    const { rows } = await w.h.db.query(
      `SELECT e.type, e.data FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.endpoint_id = $1 ORDER BY e.id`,
      [endpointId],
    );
    return rows as Array<{ type: string; data: { id: string } & Record<string, unknown> }>;
  }
  const get = async (type: string, id: string) => (await w.h.api.get(`/api/v1/${PATHS[type.split('.')[0]]}/${id}`).set('X-API-Key', reader).expect(200)).body;

  it('every partner event type is in the catalogue with the read scope its data needs', async () => {
    const res = await w.h.api.get('/api/v1/webhook-event-types').set('X-API-Key', w.key).expect(200);
    const scopeOf = new Map(res.body.items.map((t: { type: string; required_scope: string }) => [t.type, t.required_scope]));
    expect(PARTNER_EVENTS.map((t) => [t, scopeOf.get(t)])).toEqual([
      ['team_member.created', 'read:team'], ['lead.created', 'read:leads'], ['lead.updated', 'read:leads'],
      ['call.completed', 'read:calls'], ['call.canceled', 'read:calls'], ['payment.succeeded', 'read:payments'], ['payment.refunded', 'read:payments'],
    ]);
  });

  it('a key without read:payments cannot subscribe to payment.succeeded (403, nothing stored)', async () => {
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['webhooks:write', 'read:leads'] });
    const url = `http://127.0.0.1:${receiver.port}/no-payments`;
    const res = await w.h.api.post('/api/v1/webhooks').set('X-API-Key', key).send({ url, events: ['lead.created', 'payment.succeeded'] }).expect(403);
    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', error: expect.stringContaining('read:payments (for payment.succeeded)') });
    const { rows } = await w.h.db.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE url = $1', [url]);
    expect(rows[0].n).toBe(0);
  });

  it('pending → succeeded sends exactly one signed payment.succeeded whose data equals GET /payments/{id}; a no-op update sends nothing', async () => {
    const { webhook, secret } = await subscribe(['payment.succeeded']);
    const p = await createPartnerPipeline(w.h.db, w.orgId, 'EVT');
    // The pipeline's payment was recorded succeeded: that is the transition too.
    expect((await eventsFor(webhook.id)).map((e) => e.data.id)).toEqual([p.payment]);

    const pending = await createPayment(w.h.db, w.orgId, { leadId: p.lead, productId: p.product, closerId: p.closer, status: 'pending', commissions: [{ teamMemberId: p.closer, rateBps: 1000 }] });
    await w.h.db.query(`UPDATE payments SET processor_payment_id = 'pi_123' WHERE id = $1`, [pending]); // a change, not the transition
    expect(await eventsFor(webhook.id)).toHaveLength(1);
    await w.h.db.query(`UPDATE payments SET status = 'succeeded', paid_at = now() WHERE id = $1`, [pending]);
    await w.h.db.query(`UPDATE payments SET status = 'succeeded' WHERE id = $1`, [pending]); // changes nothing
    const events = await eventsFor(webhook.id);
    expect(events.map((e) => [e.type, e.data.id])).toEqual([['payment.succeeded', p.payment], ['payment.succeeded', pending]]);
    expect(events[1].data).toEqual(await get('payment.succeeded', pending));

    const deps = attemptDeps(w.h.db, manualClock());
    try {
      await deliverDue(deps);
    } finally {
      deps.close();
    }
    const delivered = receiver.received.filter((r) => r.path === '/partner').map((r) => verifySignature(secret, r) as { type: string; data: unknown });
    expect(delivered.filter((e) => (e.data as { id: string }).id === pending)).toEqual([{ ...delivered.find((e) => (e.data as { id: string }).id === pending), type: 'payment.succeeded', data: events[1].data }]);
  });

  it('each event type fires on its change, once, with data equal to GET at that moment', async () => {
    const { webhook } = await subscribe(PARTNER_EVENTS);
    const seen = async () => (await eventsFor(webhook.id)).map((e) => [e.type, e.data.id]);
    const expectLast = async (type: string, id: string) => {
      const events = await eventsFor(webhook.id);
      const last = events[events.length - 1];
      expect([last.type, last.data]).toEqual([type, await get(type, id)]);
    };

    const member = await createTeamMember(w.h.db, w.orgId, { name: 'Chloé Martin', role: 'setter' });
    await expectLast('team_member.created', member);
    const lead = await createLead(w.h.db, w.orgId, { firstName: 'Noah', assignedToId: member });
    await expectLast('lead.created', lead);
    await w.h.db.query(`UPDATE leads SET status = 'contacted' WHERE id = $1`, [lead]);
    await expectLast('lead.updated', lead);
    const before = (await seen()).length;
    await w.h.db.query(`UPDATE leads SET status = status, email = email WHERE id = $1`, [lead]); // a no-op update
    expect(await seen()).toHaveLength(before);

    const call = await createCall(w.h.db, w.orgId, { leadId: lead, teamMemberId: member, status: 'scheduled' });
    expect(await seen()).toHaveLength(before); // a scheduled call is neither completed nor canceled
    await w.h.db.query(`UPDATE calls SET status = 'completed', ended_at = scheduled_at + interval '30 minutes', outcome = 'won' WHERE id = $1`, [call]);
    await expectLast('call.completed', call);
    await w.h.db.query(`UPDATE calls SET outcome = 'follow_up' WHERE id = $1`, [call]); // still completed: no second call.completed
    const other = await createCall(w.h.db, w.orgId, { leadId: lead, teamMemberId: member, status: 'scheduled' });
    await w.h.db.query(`UPDATE calls SET status = 'canceled' WHERE id = $1`, [other]);
    await expectLast('call.canceled', other);

    const payment = await createPayment(w.h.db, w.orgId, { leadId: lead, closerId: member, amount: 100000 });
    await expectLast('payment.succeeded', payment);
    await w.h.db.query(`UPDATE payments SET status = 'partially_refunded', amount_refunded = 20000 WHERE id = $1`, [payment]);
    await expectLast('payment.refunded', payment);
    await w.h.db.query(`UPDATE payments SET status = 'refunded', amount_refunded = amount WHERE id = $1`, [payment]);
    await expectLast('payment.refunded', payment);

    expect((await seen()).map(([type]) => type)).toEqual([
      'team_member.created', 'lead.created', 'lead.updated', 'call.completed', 'call.canceled', 'payment.succeeded', 'payment.refunded', 'payment.refunded',
    ]);
  });

  it('a no-op update changes nothing, not even updated_at (any table: the shared set_updated_at)', async () => {
    const lead = await createLead(w.h.db, w.orgId, { firstName: 'Same' });
    const stamp = async () => (await w.h.db.query('SELECT updated_at FROM leads WHERE id = $1', [lead])).rows[0].updated_at.getTime();
    const before = await stamp();
    await w.h.db.query(`UPDATE leads SET status = status WHERE id = $1`, [lead]);
    expect(await stamp()).toBe(before);
    await w.h.db.query(`UPDATE leads SET status = 'contacted' WHERE id = $1`, [lead]);
    expect(await stamp()).toBeGreaterThan(before);
  });

  it('a rolled-back change publishes nothing', async () => {
    const { webhook } = await subscribe(['lead.created']);
    const c = await w.h.db.connect();
    try {
      await c.query('BEGIN');
      await createLead(c, w.orgId, { firstName: 'Ghost' });
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
    expect(await eventsFor(webhook.id)).toEqual([]);
  });
});
