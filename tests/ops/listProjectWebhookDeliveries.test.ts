import { createApiKey } from '../helpers/factories';
import { createProjectKey } from '../helpers/ops-factories';
import { createClient } from '../helpers/pos-factories';
import { attemptDeps, deliverDue } from '../webhooks/support';
import { createProjectWebhookVia, insertOrgWebhook, publishRunEvent, useProjectWorld, webhooksPath, type ProjectWorld } from './project-webhook-support';

describe('GET /api/v1/projects/{project_id}/webhooks/{id}/deliveries', () => {
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x));
  /** The endpoint under test: three run events, two delivered, one answered 503 (pending, retrying). */
  let webhookId: string;
  /** Another endpoint of the same project, receiving the same events: its deliveries are its own. */
  let siblingId: string;
  const list = (query = '', id = webhookId, projectId = w.projectId, key = w.key) =>
    w.h.api.get(`${webhooksPath(projectId)}/${id}/deliveries${query}`).set('X-API-Key', key);

  beforeAll(async () => {
    ({ webhook: { id: webhookId } } = await createProjectWebhookVia(w, { events: ['run.succeeded', 'run.failed'] }));
    ({ webhook: { id: siblingId } } = await createProjectWebhookVia(w, { events: ['run.succeeded', 'run.failed'] }));
    await publishRunEvent(w, webhookId, 'succeeded');
    await publishRunEvent(w, webhookId, 'failed');
    await publishRunEvent(w, webhookId, 'succeeded');
    // The receiver turns run.failed away once; everything else is taken.
    w.receiver.reply = (r) => (JSON.parse(r.body).type === 'run.failed' ? { status: 503, body: 'busy' } : {});
    const deps = attemptDeps(w.h.db, () => new Date());
    try {
      await deliverDue(deps);
    } finally {
      deps.close();
      w.receiver.reply = () => ({});
    }
  });

  it("lists the endpoint's deliveries only, newest first, with their attempts and last outcome", async () => {
    const res = await list().expect(200);
    expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    const { rows } = await w.h.db.query('SELECT id FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at DESC, id DESC', [webhookId]);
    expect(res.body.items.map((d: { id: string }) => d.id)).toEqual(rows.map((r) => r.id));
    const { rows: sibling } = await w.h.db.query('SELECT id FROM webhook_deliveries WHERE endpoint_id = $1', [siblingId]);
    expect(sibling).toHaveLength(3);
    expect(res.body.items.map((d: { id: string }) => d.id)).not.toContain(sibling[0].id);

    const delivered = res.body.items.filter((d: { status: string }) => d.status === 'delivered');
    expect(delivered).toHaveLength(2);
    expect(delivered[0]).toMatchObject({ event_type: 'run.succeeded', attempts: 1, last_status_code: 200, last_response_body: 'ok', next_attempt_at: null, failed_at: null });
    const retrying = res.body.items.find((d: { status: string }) => d.status === 'pending');
    expect(retrying).toMatchObject({ event_type: 'run.failed', attempts: 1, last_status_code: 503, last_error: 'HTTP 503', last_response_body: 'busy', delivered_at: null, failed_at: null });
    expect(retrying.event_id).toMatch(/^msg_/);
    expect(new Date(retrying.next_attempt_at).getTime()).toBeGreaterThan(new Date(retrying.last_attempt_at).getTime());
  });

  it('filters by status and pages; a bad status or limit → 400 naming it', async () => {
    const pending = await list('?status=pending').expect(200);
    expect(pending.body).toMatchObject({ total: 1, items: [{ status: 'pending', event_type: 'run.failed' }] });
    expect((await list('?status=failed').expect(200)).body).toMatchObject({ total: 0, items: [] });
    const page = await list('?limit=2&offset=2').expect(200);
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page.body.items).toHaveLength(1);
    const bad = await list('?status=lost').expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'status'], type: 'enum' }));
    const badLimit = await list('?limit=0').expect(400);
    expect(badLimit.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'limit'] }));
    const badId = await list('', 'nope').expect(400);
    expect(badId.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  });

  it("isolation: another project's endpoint, an organisation-level one, another organisation's project → 404", async () => {
    const elsewhere = await createProjectWebhookVia(w, { events: ['run.succeeded'] }, w.otherProjectId);
    await publishRunEvent(w, elsewhere.webhook.id, 'succeeded', w.otherProjectId);
    // An organisation-level endpoint with a delivery of its own (client.created).
    const orgLevel = await insertOrgWebhook(w.h.db, w.orgId, w.receiver.url);
    await createClient(w.h.db, w.orgId);
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [orgLevel])).rows[0].n).toBe(1);

    expect((await list('', elsewhere.webhook.id).expect(404)).body.code).toBe('NOT_FOUND');
    await list('', orgLevel).expect(404);
    await list('', webhookId, w.otherProjectId).expect(404); // this project's endpoint under the other project
    await list('', webhookId, w.other.projectId).expect(404); // another organisation's project
    await list('', webhookId, w.other.projectId, w.other.key).expect(404); // …and its key, with our endpoint
    await list('', '8a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b').expect(404);
    // The organisation's API does not reach a project's log, nor this one the organisation's.
    const s = w.sessions.orgOwner;
    await w.h.api.get(`/api/v1/webhooks/${webhookId}/deliveries`).set('Cookie', s.cookie).expect(404);
    expect((await w.h.api.get(`/api/v1/webhooks/${orgLevel}/deliveries`).set('Cookie', s.cookie).expect(200)).body.total).toBe(1);
  });

  it('a key bound to a project reaches its own project only (the API issues no such key with webhooks scopes; the binding still holds)', async () => {
    const scopes = ['webhooks:read'];
    const bound = await createProjectKey(w.h.db, { orgId: w.orgId, projectId: w.projectId, scopes });
    const boundElsewhere = await createProjectKey(w.h.db, { orgId: w.orgId, projectId: w.otherProjectId, scopes });
    expect((await list('', webhookId, w.projectId, bound.key).expect(200)).body.total).toBe(3);
    await list('', webhookId, w.projectId, boundElsewhere.key).expect(404);
  });

  it('role matrix: every project role reads; no role → 404; a key without webhooks:read → 403; no credential → 401', async () => {
    const path = `${webhooksPath(w.projectId)}/${webhookId}/deliveries`;
    for (const who of ['orgOwner', 'orgAdmin', 'owner', 'admin', 'developer', 'viewer'] as const) {
      expect((await w.h.api.get(path).set('Cookie', w.sessions[who].cookie).expect(200)).body.total).toBe(3);
    }
    expect((await w.h.api.get(path).set('Cookie', w.sessions.outsider.cookie).expect(404)).body.code).toBe('NOT_FOUND');
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['webhooks:write', 'runs:read'] });
    const res = await list('', webhookId, w.projectId, key).expect(403);
    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', error: expect.stringContaining('webhooks:read') });
    expect((await w.h.api.get(path).expect(401)).body.code).toBe('UNAUTHORIZED');
  });
});
