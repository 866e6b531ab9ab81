import { randomUUID } from 'node:crypto';
import { claimDue } from '../../src/webhooks/delivery-store';
import { createClient } from '../helpers/pos-factories';
import { createWebhookVia, deliveriesOf, useWorldAndReceiver, verifySignature, type Receiver, type World } from './support';

describe('POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/retry', () => {
  let w: World;
  let receiver: Receiver;
  useWorldAndReceiver((s) => ({ w, receiver } = s), { reset: true });
  const retry = (webhookId: string, deliveryId: string, key = w.key) => w.h.api.post(`/api/v1/webhooks/${webhookId}/deliveries/${deliveryId}/retry`).set('X-API-Key', key);

  /** A subscription with one delivery given up (failed), as after the last scheduled attempt. */
  async function failedDelivery() {
    const { webhook, secret } = await createWebhookVia(w, { url: receiver.url, events: ['client.created'] });
    await createClient(w.h.db, w.orgId);
    const [d] = await deliveriesOf(w.h.db, webhook.id);
    await w.h.db.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, attempts = 10, failed_at = now(), last_status_code = 500 WHERE id = $1`, [d.id]);
    return { webhook, secret, delivery: d };
  }

  it('redelivers a failed delivery now, with the same webhook-id, and answers the delivery', async () => {
    const { webhook, secret, delivery } = await failedDelivery();
    const res = await retry(webhook.id, delivery.id).expect(200);
    expect(res.body).toMatchObject({ id: delivery.id, event_id: delivery.event_id, status: 'delivered', attempts: 11, last_status_code: 200, next_attempt_at: null, failed_at: null });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].headers['webhook-id']).toBe(delivery.event_id);
    expect(() => verifySignature(secret, receiver.received[0], Date.now())).not.toThrow();
  });

  it('a failed delivery that fails again stays failed (no new schedule)', async () => {
    const { webhook, delivery } = await failedDelivery();
    receiver.reply = () => ({ status: 502 });
    const res = await retry(webhook.id, delivery.id).expect(200);
    expect(res.body).toMatchObject({ status: 'failed', attempts: 11, last_status_code: 502, next_attempt_at: null });
  });

  it('a pending delivery that fails keeps its retry schedule', async () => {
    const { webhook } = await createWebhookVia(w, { url: receiver.url, events: ['client.created'] });
    await createClient(w.h.db, w.orgId);
    const [d] = await deliveriesOf(w.h.db, webhook.id);
    receiver.reply = () => ({ status: 500 });
    const res = await retry(webhook.id, d.id).expect(200);
    expect(res.body).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500 });
    // The schedule's first wait, 5 s ± 10 %, from the attempt just made (not from the test's clock).
    const wait = new Date(res.body.next_attempt_at).getTime() - new Date(res.body.last_attempt_at).getTime();
    expect(wait).toBeGreaterThanOrEqual(4500);
    expect(wait).toBeLessThanOrEqual(5500);
  });

  it('409 while a worker holds the delivery', async () => {
    const { webhook } = await createWebhookVia(w, { url: receiver.url, events: ['client.created'] });
    await createClient(w.h.db, w.orgId);
    const claimed = await claimDue(w.h.db, { now: new Date(), limit: 100, workerId: randomUUID() });
    const mine = claimed.find((c) => c.endpoint_id === webhook.id)!;
    const res = await retry(webhook.id, mine.id).expect(409);
    expect(res.body.error).toMatch(/being attempted right now/);
    expect(receiver.received).toEqual([]);
  });

  it('409 while the endpoint is switched off', async () => {
    const { webhook, delivery } = await failedDelivery();
    await w.h.api.patch(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).send({ active: false }).expect(200);
    const res = await retry(webhook.id, delivery.id).expect(409);
    expect(res.body.error).toMatch(/switched off/);
  });

  it('404 for an unknown delivery, another subscription’s delivery, or another organisation', async () => {
    const a = await failedDelivery();
    const b = await createWebhookVia(w, { url: receiver.url });
    await retry(a.webhook.id, randomUUID()).expect(404);
    await retry(b.webhook.id, a.delivery.id).expect(404);
    await retry(a.webhook.id, a.delivery.id, w.other.key).expect(404);
    expect(receiver.received).toEqual([]);
  });
});
