import { verifySignature } from '../webhooks/support';
import { createProjectWebhookVia, insertOrgWebhook, useProjectWorld, webhooksPath, type ProjectWorld } from './project-webhook-support';

describe('POST /api/v1/projects/{project_id}/webhooks/{id}/test', () => {
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x));
  const test = (id: string, projectId = w.projectId, key = w.key) => w.h.api.post(`${webhooksPath(projectId)}/${id}/test`).set('X-API-Key', key);

  it('sends a signed webhook.test now, even switched off, and answers what happened', async () => {
    const { webhook, secret } = await createProjectWebhookVia(w, { active: false });
    const before = w.receiver.received.length;
    const res = await test(webhook.id).expect(200);
    expect(res.body).toMatchObject({ success: true, status_code: 200, response_body: 'ok', error: null, event_id: expect.stringMatching(/^msg_/) });
    const got = w.receiver.received[before];
    expect(verifySignature(secret, got)).toMatchObject({ type: 'webhook.test', data: { webhook_id: webhook.id } });
    const { rows } = await w.h.db.query('SELECT status, endpoint_id FROM webhook_deliveries WHERE id = $1', [res.body.delivery_id]);
    expect(rows).toEqual([{ status: 'delivered', endpoint_id: webhook.id }]);
  });

  it('reports a failing endpoint in the body (200, success false) without counting it against the endpoint', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    w.receiver.reply = () => ({ status: 500, body: 'boom' });
    try {
      const res = await test(webhook.id).expect(200);
      expect(res.body).toMatchObject({ success: false, status_code: 500 });
    } finally {
      w.receiver.reply = () => ({});
    }
    expect((await w.h.db.query('SELECT failing_since FROM webhook_endpoints WHERE id = $1', [webhook.id])).rows[0].failing_since).toBeNull();
  });

  it("isolation: another project's, an organisation-level one, another organisation's → 404, nothing sent", async () => {
    const elsewhere = await createProjectWebhookVia(w, {}, w.otherProjectId);
    const orgLevel = await insertOrgWebhook(w.h.db, w.orgId, w.receiver.url);
    const before = w.receiver.received.length;
    await test(elsewhere.webhook.id).expect(404);
    await test(orgLevel).expect(404);
    await test(elsewhere.webhook.id, w.other.projectId).expect(404);
    const s = w.sessions.orgOwner;
    await w.h.api.post(`/api/v1/webhooks/${elsewhere.webhook.id}/test`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).expect(404);
    expect(w.receiver.received.length).toBe(before);
    const bad = await test('nope').expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  });

  it('role matrix: developers and viewers 403, no role 404, project admins may; a read-only key 403', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    const as = (who: keyof ProjectWorld['sessions']) =>
      w.h.api.post(`${webhooksPath(w.projectId)}/${webhook.id}/test`).set('Cookie', w.sessions[who].cookie).set('X-CSRF-Token', w.sessions[who].csrf);
    await test(webhook.id, w.projectId, w.readOnlyKey).expect(403);
    for (const who of ['developer', 'viewer'] as const) await as(who).expect(403);
    await as('outsider').expect(404);
    await as('admin').expect(200);
  });
});
