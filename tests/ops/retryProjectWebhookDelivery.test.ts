import { randomUUID } from 'node:crypto';
import { claimDue } from '../../src/webhooks/delivery-store';
import { createApiKey } from '../helpers/factories';
import { createProjectKey } from '../helpers/ops-factories';
import { createClient } from '../helpers/pos-factories';
import { verifySignature } from '../webhooks/support';
import { createProjectWebhookVia, insertOrgWebhook, publishRunEvent, useProjectWorld, webhooksPath, type ProjectWorld } from './project-webhook-support';

describe('POST /api/v1/projects/{project_id}/webhooks/{id}/deliveries/{delivery_id}/retry', () => {
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x));
  beforeEach(() => {
    w.receiver.received.length = 0;
    w.receiver.reply = () => ({});
  });
  const retryPath = (webhookId: string, deliveryId: string, projectId = w.projectId) => `${webhooksPath(projectId)}/${webhookId}/deliveries/${deliveryId}/retry`;
  const retry = (webhookId: string, deliveryId: string, projectId = w.projectId, key = w.key) => w.h.api.post(retryPath(webhookId, deliveryId, projectId)).set('X-API-Key', key);
  const deliveryRow = async (id: string) => (await w.h.db.query('SELECT status, attempts, claimed_by, last_status_code FROM webhook_deliveries WHERE id = $1', [id])).rows[0];

  /** A project subscription with one delivery given up (failed), as after the last scheduled attempt. */
  async function failedDelivery(projectId = w.projectId) {
    const { webhook, secret } = await createProjectWebhookVia(w, { events: ['run.failed'] }, projectId);
    const delivery = await publishRunEvent(w, webhook.id, 'failed', projectId);
    await w.h.db.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, attempts = 10, failed_at = now(), last_status_code = 500 WHERE id = $1`, [delivery.id]);
    return { webhook, secret, delivery };
  }

  it('redelivers a failed delivery now, with the same webhook-id, and answers the delivery as it stands', async () => {
    const { webhook, secret, delivery } = await failedDelivery();
    const res = await retry(webhook.id, delivery.id).expect(200);
    expect(res.body).toMatchObject({ id: delivery.id, event_id: delivery.event_id, event_type: 'run.failed', status: 'delivered', attempts: 11, last_status_code: 200, next_attempt_at: null, failed_at: null });
    expect(w.receiver.received).toHaveLength(1);
    expect(w.receiver.received[0].headers['webhook-id']).toBe(delivery.event_id);
    expect(verifySignature(secret, w.receiver.received[0])).toMatchObject({ type: 'run.failed', data: { project_id: w.projectId } });
    expect(await deliveryRow(delivery.id)).toEqual({ status: 'delivered', attempts: 11, claimed_by: null, last_status_code: 200 });
  });

  it('a failed delivery that fails again stays failed (no new schedule)', async () => {
    const { webhook, delivery } = await failedDelivery();
    w.receiver.reply = () => ({ status: 502 });
    const res = await retry(webhook.id, delivery.id).expect(200);
    expect(res.body).toMatchObject({ status: 'failed', attempts: 11, last_status_code: 502, next_attempt_at: null });
    expect(await deliveryRow(delivery.id)).toMatchObject({ status: 'failed', attempts: 11 });
  });

  it('a pending delivery that fails keeps its retry schedule', async () => {
    const { webhook } = await createProjectWebhookVia(w, { events: ['run.succeeded'] });
    const delivery = await publishRunEvent(w, webhook.id, 'succeeded');
    expect(delivery.status).toBe('pending');
    w.receiver.reply = () => ({ status: 500 });
    const res = await retry(webhook.id, delivery.id).expect(200);
    expect(res.body).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500 });
    // The schedule's first wait, 5 s ± 10 %, from the attempt just made (both stamped by the server).
    const wait = new Date(res.body.next_attempt_at).getTime() - new Date(res.body.last_attempt_at).getTime();
    expect(wait).toBeGreaterThanOrEqual(4500);
    expect(wait).toBeLessThanOrEqual(5500);
  });

  it('409 while a worker holds the delivery, and while the endpoint is switched off', async () => {
    const { webhook } = await createProjectWebhookVia(w, { events: ['run.cancelled'] });
    const delivery = await publishRunEvent(w, webhook.id, 'cancelled');
    const claimed = await claimDue(w.h.db, { now: new Date(), limit: 100, workerId: randomUUID() });
    expect(claimed.map((c) => c.id)).toContain(delivery.id);
    const busy = await retry(webhook.id, delivery.id).expect(409);
    expect(busy.body).toMatchObject({ code: 'CONFLICT', error: expect.stringMatching(/being attempted right now/) });

    const off = await failedDelivery();
    await w.h.api.patch(`${webhooksPath(w.projectId)}/${off.webhook.id}`).set('X-API-Key', w.key).send({ active: false }).expect(200);
    const res = await retry(off.webhook.id, off.delivery.id).expect(409);
    expect(res.body.error).toMatch(/switched off/);
    expect(await deliveryRow(off.delivery.id)).toMatchObject({ status: 'failed', attempts: 10 });
    expect(w.receiver.received).toEqual([]);
  });

  it("404 for an unknown delivery, another subscription's, another project's, an organisation-level one's, another organisation's — nothing sent", async () => {
    const a = await failedDelivery();
    const sibling = await createProjectWebhookVia(w, { events: ['run.succeeded'] });
    const elsewhere = await failedDelivery(w.otherProjectId);
    const orgLevel = await insertOrgWebhook(w.h.db, w.orgId, w.receiver.url);
    await createClient(w.h.db, w.orgId);
    const { rows } = await w.h.db.query('SELECT id FROM webhook_deliveries WHERE endpoint_id = $1', [orgLevel]);
    expect(rows).toHaveLength(1);
    const orgDelivery = rows[0].id as string;

    expect((await retry(a.webhook.id, randomUUID()).expect(404)).body).toMatchObject({ code: 'NOT_FOUND', error: expect.stringContaining('Delivery') });
    await retry(sibling.webhook.id, a.delivery.id).expect(404); // another subscription of the project
    await retry(elsewhere.webhook.id, elsewhere.delivery.id).expect(404); // another project's, under this project
    await retry(a.webhook.id, a.delivery.id, w.otherProjectId).expect(404); // this project's, under the other project
    await retry(orgLevel, orgDelivery).expect(404); // an organisation-level endpoint under a project path
    await retry(a.webhook.id, a.delivery.id, w.other.projectId).expect(404); // another organisation's project
    await retry(a.webhook.id, a.delivery.id, w.projectId, w.other.key).expect(404); // another organisation's key
    // …and the organisation's API does not reach a project's delivery.
    const s = w.sessions.orgOwner;
    await w.h.api.post(`/api/v1/webhooks/${a.webhook.id}/deliveries/${a.delivery.id}/retry`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).expect(404);
    expect(w.receiver.received).toEqual([]);
    expect(await deliveryRow(a.delivery.id)).toMatchObject({ status: 'failed', attempts: 10, claimed_by: null });
    expect(await deliveryRow(elsewhere.delivery.id)).toMatchObject({ status: 'failed', attempts: 10, claimed_by: null });
    expect(await deliveryRow(orgDelivery)).toMatchObject({ status: 'pending', attempts: 0, claimed_by: null });

    const bad = await retry(a.webhook.id, 'nope').expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'delivery_id'] }));
  });

  it('a key bound to another project → 404 (the API issues no such key with webhooks scopes; the binding still holds)', async () => {
    const { webhook, delivery } = await failedDelivery();
    const boundElsewhere = await createProjectKey(w.h.db, { orgId: w.orgId, projectId: w.otherProjectId, scopes: ['webhooks:write'] });
    await retry(webhook.id, delivery.id, w.projectId, boundElsewhere.key).expect(404);
    const bound = await createProjectKey(w.h.db, { orgId: w.orgId, projectId: w.projectId, scopes: ['webhooks:write'] });
    expect((await retry(webhook.id, delivery.id, w.projectId, bound.key).expect(200)).body.status).toBe('delivered');
  });

  it('role matrix: developers and viewers 403, no role 404, project admins may; a read-only key 403; no credential 401', async () => {
    const { webhook, delivery } = await failedDelivery();
    const as = (who: keyof ProjectWorld['sessions']) => w.h.api.post(retryPath(webhook.id, delivery.id)).set('Cookie', w.sessions[who].cookie).set('X-CSRF-Token', w.sessions[who].csrf);
    expect((await retry(webhook.id, delivery.id, w.projectId, w.readOnlyKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
    for (const who of ['developer', 'viewer'] as const) expect((await as(who).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await as('outsider').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await w.h.api.post(retryPath(webhook.id, delivery.id)).expect(401)).body.code).toBe('UNAUTHORIZED');
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['webhooks:read'] });
    await retry(webhook.id, delivery.id, w.projectId, key).expect(403);
    expect(w.receiver.received).toEqual([]);
    expect(await deliveryRow(delivery.id)).toMatchObject({ status: 'failed', attempts: 10 });
    expect((await as('admin').expect(200)).body).toMatchObject({ id: delivery.id, status: 'delivered', attempts: 11 });
  });
});
