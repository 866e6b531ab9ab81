import { createProjectWebhookVia, insertOrgWebhook, useProjectWorld, webhooksPath, type ProjectWorld } from './project-webhook-support';

describe('DELETE /api/v1/projects/{project_id}/webhooks/{id}', () => {
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x));
  const del = (id: string, projectId = w.projectId, key = w.key) => w.h.api.delete(`${webhooksPath(projectId)}/${id}`).set('X-API-Key', key);

  it('deletes it with its deliveries and audits it with the project', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    await w.h.api.post(`${webhooksPath(w.projectId)}/${webhook.id}/test`).set('X-API-Key', w.key).expect(200);
    await del(webhook.id).expect(204);
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE id = $1', [webhook.id])).rows[0].n).toBe(0);
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [webhook.id])).rows[0].n).toBe(0);
    const { rows } = await w.h.db.query(`SELECT metadata FROM audit_events WHERE target_id = $1 AND action = 'webhook.deleted'`, [webhook.id]);
    expect(rows).toEqual([{ metadata: { host: `127.0.0.1:${w.receiver.port}`, project_id: w.projectId } }]);
    await del(webhook.id).expect(404);
  });

  it("isolation: another project's, an organisation-level one, another organisation's → 404 and nothing deleted", async () => {
    const elsewhere = await createProjectWebhookVia(w, {}, w.otherProjectId);
    const orgLevel = await insertOrgWebhook(w.h.db, w.orgId, w.receiver.url);
    await del(elsewhere.webhook.id).expect(404);
    await del(orgLevel).expect(404);
    await del(elsewhere.webhook.id, w.other.projectId).expect(404);
    // The organisation API cannot delete a project's subscription either.
    const s = w.sessions.orgOwner;
    await w.h.api.delete(`/api/v1/webhooks/${elsewhere.webhook.id}`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).expect(404);
    const { rows } = await w.h.db.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE id = ANY ($1)', [[elsewhere.webhook.id, orgLevel]]);
    expect(rows[0].n).toBe(2);
    const bad = await del('nope').expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  });

  it('role matrix: developers and viewers 403, no role 404, project admins delete; a read-only key 403', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    const as = (who: keyof ProjectWorld['sessions']) => w.h.api.delete(`${webhooksPath(w.projectId)}/${webhook.id}`).set('Cookie', w.sessions[who].cookie).set('X-CSRF-Token', w.sessions[who].csrf);
    await del(webhook.id, w.projectId, w.readOnlyKey).expect(403);
    for (const who of ['developer', 'viewer'] as const) expect((await as(who).expect(403)).body.code).toBe('FORBIDDEN');
    await as('outsider').expect(404);
    await as('admin').expect(204);
  });
});
