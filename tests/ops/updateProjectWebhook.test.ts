import { createProjectWebhookVia, insertOrgWebhook, useProjectWorld, webhooksPath, type ProjectWorld } from './project-webhook-support';

describe('PATCH /api/v1/projects/{project_id}/webhooks/{id}', () => {
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x));
  const patch = (id: string, body: unknown, key = w.key, projectId = w.projectId) => w.h.api.patch(`${webhooksPath(projectId)}/${id}`).set('X-API-Key', key).send(body as object);

  it('changes events, description and URL; audits what changed with the project', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    const res = await patch(webhook.id, { events: ['run.failed', 'run.cancelled'], description: 'alerts', url: `${w.receiver.url}/v2` }).expect(200);
    expect(res.body).toMatchObject({ id: webhook.id, project_id: w.projectId, events: ['run.failed', 'run.cancelled'], description: 'alerts', url: `${w.receiver.url}/v2` });
    const { rows } = await w.h.db.query('SELECT events, description, url FROM webhook_endpoints WHERE id = $1', [webhook.id]);
    expect(rows[0]).toEqual({ events: ['run.failed', 'run.cancelled'], description: 'alerts', url: `${w.receiver.url}/v2` });
    const { rows: audit } = await w.h.db.query(`SELECT metadata FROM audit_events WHERE target_id = $1 AND action = 'webhook.updated'`, [webhook.id]);
    expect(audit[0].metadata).toMatchObject({ changed: ['events', 'description', 'url'], project_id: w.projectId });
  });

  it('switching off fails its pending deliveries; switching on clears the system\'s switch-off', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    const { rows: ev } = await w.h.db.query(`INSERT INTO webhook_events (id, org_id, type, data) VALUES (webhook_event_id(), $1, 'run.failed', '{}') RETURNING id`, [w.orgId]);
    await w.h.db.query('INSERT INTO webhook_deliveries (org_id, endpoint_id, event_id) VALUES ($1, $2, $3)', [w.orgId, webhook.id, ev[0].id]);
    await patch(webhook.id, { active: false }).expect(200);
    expect((await w.h.db.query('SELECT status FROM webhook_deliveries WHERE endpoint_id = $1', [webhook.id])).rows).toEqual([{ status: 'failed' }]);
    await w.h.db.query(`UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = 'failing', failing_since = now() WHERE id = $1`, [webhook.id]);
    const on = await patch(webhook.id, { active: true }).expect(200);
    expect(on.body).toMatchObject({ active: true, disabled_at: null, disabled_reason: null, failing_since: null });
  });

  it.each([
    [{}, ['body'], 'minProperties'],
    [{ events: ['lead.created'] }, ['body', 'events', 0], 'enum'],
    [{ active: 'yes' }, ['body', 'active'], 'type'],
  ])('refuses %j with a 400 naming %j', async (body, loc, type) => {
    const { webhook } = await createProjectWebhookVia(w);
    const res = await patch(webhook.id, body).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc, type }));
  });

  it('new events or a new URL need runs:read on a key (403, nothing changed)', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    const res = await patch(webhook.id, { url: `${w.receiver.url}/elsewhere` }, w.keyWithoutRuns).expect(403);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['body', 'url'], msg: 'run.succeeded needs the scope runs:read' }));
    await patch(webhook.id, { events: ['run.failed'] }, w.keyWithoutRuns).expect(403);
    await patch(webhook.id, { description: 'fine' }, w.keyWithoutRuns).expect(200);
    expect((await w.h.db.query('SELECT url, events FROM webhook_endpoints WHERE id = $1', [webhook.id])).rows[0]).toEqual({ url: w.receiver.url, events: ['run.succeeded'] });
  });

  it("isolation: another project's, an organisation-level one, another organisation's → 404, unchanged", async () => {
    const elsewhere = await createProjectWebhookVia(w, {}, w.otherProjectId);
    const orgLevel = await insertOrgWebhook(w.h.db, w.orgId, w.receiver.url);
    await patch(elsewhere.webhook.id, { description: 'x' }).expect(404);
    await patch(orgLevel, { description: 'x' }).expect(404);
    await patch(elsewhere.webhook.id, { description: 'x' }, w.key, w.other.projectId).expect(404);
    const s = w.sessions.orgOwner;
    await w.h.api.patch(`/api/v1/webhooks/${elsewhere.webhook.id}`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send({ description: 'x' }).expect(404);
    const { rows } = await w.h.db.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE id = ANY ($1) AND description = 'x'`, [[elsewhere.webhook.id, orgLevel]]);
    expect(rows[0].n).toBe(0);
  });

  it('role matrix: developers and viewers 403, no role 404, project owners and admins may', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    const as = (who: keyof ProjectWorld['sessions']) =>
      w.h.api.patch(`${webhooksPath(w.projectId)}/${webhook.id}`).set('Cookie', w.sessions[who].cookie).set('X-CSRF-Token', w.sessions[who].csrf).send({ description: who });
    for (const who of ['developer', 'viewer'] as const) expect((await as(who).expect(403)).body.code).toBe('FORBIDDEN');
    await as('outsider').expect(404);
    for (const who of ['owner', 'admin', 'orgAdmin'] as const) expect((await as(who).expect(200)).body.description).toBe(who);
  });

  it('refuses a body over 100 kB (413) and one that is not JSON (415)', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    await patch(webhook.id, { description: 'x'.repeat(110_000) }).expect(413);
    await w.h.api.patch(`${webhooksPath(w.projectId)}/${webhook.id}`).set('X-API-Key', w.key).set('Content-Type', 'text/plain').send('x').expect(415);
  });
});
