import { createWebhookVia, manualClock, useWorldAndReceiver, verifySignature, type Receiver, type World } from './support';

describe('POST /api/v1/webhooks/{id}/rotate-secret', () => {
  const clock = manualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  let w: World;
  let receiver: Receiver;
  useWorldAndReceiver((s) => ({ w, receiver } = s), { world: { clock } });
  const rotate = (id: string, key = w.key) => w.h.api.post(`/api/v1/webhooks/${id}/rotate-secret`).set('X-API-Key', key);
  const sendTest = (id: string) => w.h.api.post(`/api/v1/webhooks/${id}/test`).set('X-API-Key', w.key).expect(200);

  it('signs with the new and the previous secret for 24 hours, then with the new one only', async () => {
    const { webhook, secret: old } = await createWebhookVia(w, { url: receiver.url });
    const res = await rotate(webhook.id).expect(200);
    const fresh = res.body.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(res.body.previous_secret_expires_at).toBe(new Date(clock().getTime() + 24 * 3600 * 1000).toISOString());
    const got = await w.h.api.get(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(200);
    expect(got.body.previous_secret_expires_at).toBe(res.body.previous_secret_expires_at);

    await sendTest(webhook.id);
    let r = receiver.received.at(-1)!;
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(2);
    // A receiver on either secret accepts it (standardwebhooks tries each signature).
    expect(() => verifySignature(fresh, r, clock().getTime())).not.toThrow();
    expect(() => verifySignature(old, r, clock().getTime())).not.toThrow();

    clock.advance(24 * 3600 * 1000);
    await sendTest(webhook.id);
    r = receiver.received.at(-1)!;
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => verifySignature(fresh, r, clock().getTime())).not.toThrow();
    expect(() => verifySignature(old, r, clock().getTime())).toThrow(/No matching signature/);
    const later = await w.h.api.get(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(200);
    expect(later.body.previous_secret_expires_at).toBeNull();
  });

  it('rotating twice keeps only the latest two secrets', async () => {
    const { webhook, secret: first } = await createWebhookVia(w, { url: receiver.url });
    const second = (await rotate(webhook.id).expect(200)).body.secret;
    const third = (await rotate(webhook.id).expect(200)).body.secret;
    await sendTest(webhook.id);
    const r = receiver.received.at(-1)!;
    expect(() => verifySignature(third, r, clock().getTime())).not.toThrow();
    expect(() => verifySignature(second, r, clock().getTime())).not.toThrow();
    expect(() => verifySignature(first, r, clock().getTime())).toThrow();
  });

  it('writes an audit event without the secret', async () => {
    const { webhook } = await createWebhookVia(w, { url: receiver.url });
    const { secret } = (await rotate(webhook.id).expect(200)).body;
    const { rows } = await w.h.db.query(`SELECT * FROM audit_events WHERE target_id = $1 AND action = 'webhook.secret_rotated'`, [webhook.id]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(secret.slice(6));
  });

  it('another organisation’s subscription is not found, and its secret is unchanged', async () => {
    const { webhook, secret } = await createWebhookVia(w, { url: receiver.url }, w.other.key);
    await rotate(webhook.id).expect(404);
    await w.h.api.post(`/api/v1/webhooks/${webhook.id}/test`).set('X-API-Key', w.other.key).expect(200);
    const r = receiver.received.at(-1)!;
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => verifySignature(secret, r, clock().getTime())).not.toThrow();
  });
});
