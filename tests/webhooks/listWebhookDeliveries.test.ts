import { createClient } from '../helpers/pos-factories';
import { attemptDeps, createWebhookVia, deliverDue, useWorldAndReceiver, type Receiver, type World } from './support';

describe('GET /api/v1/webhooks/{id}/deliveries', () => {
  let w: World;
  let receiver: Receiver;
  let webhookId: string;
  useWorldAndReceiver((s) => ({ w, receiver } = s), { reply: (_r, n) => (n === 1 ? { status: 503, body: 'busy' } : { status: 200 }) });
  beforeAll(async () => {
    ({ webhook: { id: webhookId } } = await createWebhookVia(w, { url: receiver.url, events: ['client.created'] }));
    for (let i = 0; i < 3; i++) await createClient(w.h.db, w.orgId);
    const deps = attemptDeps(w.h.db, () => new Date());
    for (const _ of [1, 2, 3]) {
      // One at a time, so the receiver's second answer (503) goes to the second event.
      await w.h.db.query(`UPDATE webhook_deliveries SET next_attempt_at = next_attempt_at + interval '1 hour' WHERE endpoint_id = $1 AND status = 'pending' AND attempts = 0 AND id <> (SELECT id FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending' AND attempts = 0 ORDER BY created_at, id LIMIT 1)`, [webhookId]);
      await deliverDue(deps);
      // A second back: now() has microseconds, the worker's clock only milliseconds.
      await w.h.db.query(`UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE endpoint_id = $1 AND status = 'pending' AND attempts = 0`, [webhookId]);
    }
    deps.close();
  });
  const list = (query = '', id = webhookId, key = w.key) => w.h.api.get(`/api/v1/webhooks/${id}/deliveries${query}`).set('X-API-Key', key);

  it('lists every delivery, newest first, with its attempts and last outcome', async () => {
    const res = await list().expect(200);
    expect(res.body.total).toBe(3);
    const items = res.body.items;
    const created = items.map((d: { created_at: string; id: string }) => d.created_at + d.id);
    expect(created).toEqual([...created].sort().reverse());
    expect(items.filter((d: { status: string }) => d.status === 'delivered')).toHaveLength(2);
    const retrying = items.find((d: { status: string }) => d.status === 'pending');
    expect(retrying).toMatchObject({ event_type: 'client.created', attempts: 1, last_status_code: 503, last_error: 'HTTP 503', last_response_body: 'busy', delivered_at: null, failed_at: null });
    expect(retrying.event_id).toMatch(/^msg_/);
    expect(new Date(retrying.next_attempt_at).getTime()).toBeGreaterThan(new Date(retrying.last_attempt_at).getTime());
  });

  it('filters by status, and pages', async () => {
    const pending = await list('?status=pending').expect(200);
    expect(pending.body).toMatchObject({ total: 1, items: [{ status: 'pending' }] });
    const page = await list('?limit=2&offset=2').expect(200);
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page.body.items).toHaveLength(1);
    const bad = await list('?status=lost').expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'status'], type: 'enum' }));
  });

  it('another organisation’s subscription is not found', async () => {
    await list('', webhookId, w.other.key).expect(404);
    await list('', '8a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b').expect(404);
  });
});
