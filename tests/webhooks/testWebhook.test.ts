import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { eventTypeCatalogue } from '../../src/webhooks/event-schemas';
import { createWebhookVia, deliveriesOf, useWorldAndReceiver, verifySignature, type Receiver, type World } from './support';

describe('POST /api/v1/webhooks/{id}/test', () => {
  let w: World;
  let receiver: Receiver;
  useWorldAndReceiver((s) => ({ w, receiver } = s), { world: { env: { WEBHOOK_TIMEOUT_MS: '1000' } }, reset: true });
  const test = (id: string, key = w.key) => w.h.api.post(`/api/v1/webhooks/${id}/test`).set('X-API-Key', key);

  it('sends a signed webhook.test now and answers the outcome', async () => {
    const { webhook, secret } = await createWebhookVia(w, { url: receiver.url });
    receiver.reply = () => ({ status: 202, body: 'thanks' });
    const res = await test(webhook.id).expect(200);
    expect(res.body).toMatchObject({ success: true, status_code: 202, response_body: 'thanks', error: null, duration_ms: expect.any(Number) });
    expect(receiver.received).toHaveLength(1);
    const [r] = receiver.received;
    expect(r.headers['webhook-id']).toBe(res.body.event_id);
    const payload = verifySignature(secret, r, Date.now());
    expect(payload).toMatchObject({ id: res.body.event_id, type: 'webhook.test', data: { webhook_id: webhook.id, message: 'This is a test event from Aura.' } });
    const validate = addFormats(new Ajv2020({ strict: false })).compile(eventTypeCatalogue().find((t) => t.type === 'webhook.test')!.schema);
    expect(validate(payload) || validate.errors).toBe(true);
    // In the delivery log, delivered.
    const [d] = await deliveriesOf(w.h.db, webhook.id);
    expect(d).toMatchObject({ id: res.body.delivery_id, status: 'delivered', attempts: 1, type: 'webhook.test' });
  });

  it('a failing endpoint: success false, the status and the first bytes; not retried, not counted as a failure', async () => {
    const { webhook } = await createWebhookVia(w, { url: receiver.url });
    receiver.reply = () => ({ status: 500, body: 'database down' });
    const res = await test(webhook.id).expect(200);
    expect(res.body).toMatchObject({ success: false, status_code: 500, response_body: 'database down', error: 'HTTP 500' });
    const [d] = await deliveriesOf(w.h.db, webhook.id);
    expect(d).toMatchObject({ status: 'failed', next_attempt_at: null });
    const { rows } = await w.h.db.query('SELECT failing_since, active FROM webhook_endpoints WHERE id = $1', [webhook.id]);
    expect(rows[0]).toEqual({ failing_since: null, active: true });
  });

  it('a 410 answer does not switch the endpoint off from a test', async () => {
    const { webhook } = await createWebhookVia(w, { url: receiver.url });
    receiver.reply = () => ({ status: 410 });
    await test(webhook.id).expect(200);
    const got = await w.h.api.get(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(200);
    expect(got.body.active).toBe(true);
  });

  it('no answer in time: the error says so', async () => {
    const { webhook } = await createWebhookVia(w, { url: receiver.url });
    receiver.reply = () => ({ delayMs: 2000 });
    const res = await test(webhook.id).expect(200);
    expect(res.body).toMatchObject({ success: false, status_code: null, response_body: null, error: 'timed out after 1 s' });
  });

  it('tests a switched-off endpoint too', async () => {
    const { webhook } = await createWebhookVia(w, { url: receiver.url, active: false });
    const res = await test(webhook.id).expect(200);
    expect(res.body.success).toBe(true);
  });

  it('an address refused at delivery is reported, not connected to', async () => {
    const { webhook } = await createWebhookVia(w, { url: receiver.url });
    // As if the URL had been stored before a stricter policy (or DNS changed since).
    await w.h.db.query('UPDATE webhook_endpoints SET url = $2 WHERE id = $1', [webhook.id, `https://2130706433:${receiver.port}/hooks`]);
    const res = await test(webhook.id).expect(200);
    expect(res.body).toMatchObject({ success: false, status_code: null, error: expect.stringMatching(/^refused: the URL must not spell an IPv4 address unusually/) });
    expect(receiver.received).toEqual([]);
  });

  it('another organisation’s subscription is not found, and nothing is sent', async () => {
    const { webhook } = await createWebhookVia(w, { url: receiver.url }, w.other.key);
    await test(webhook.id).expect(404);
    expect(receiver.received).toEqual([]);
  });
});
