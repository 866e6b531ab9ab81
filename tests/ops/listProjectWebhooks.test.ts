import { createApiKey } from '../helpers/factories';
import { createProjectWebhookVia, insertOrgWebhook, useProjectWorld, webhooksPath, type ProjectWorld } from './project-webhook-support';

describe('GET /api/v1/projects/{project_id}/webhooks', () => {
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x));
  const list = (projectId = w.projectId, query = '') => w.h.api.get(`${webhooksPath(projectId)}${query}`).set('X-API-Key', w.key);

  it("lists the project's subscriptions only, newest first — never the organisation's or another project's", async () => {
    const a = await createProjectWebhookVia(w, { description: 'first' });
    const b = await createProjectWebhookVia(w, { description: 'second', events: ['run.failed', 'run.cancelled'] });
    const elsewhere = await createProjectWebhookVia(w, {}, w.otherProjectId);
    const orgLevel = await insertOrgWebhook(w.h.db, w.orgId, w.receiver.url);
    const res = await list().expect(200);
    expect(res.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([b.webhook.id, a.webhook.id]);
    expect(res.body.items[0]).toEqual(b.webhook);
    expect(JSON.stringify(res.body)).not.toContain('whsec_');
    // …and the organisation's list does not show the project's.
    const s = w.sessions.orgOwner;
    const org = await w.h.api.get('/api/v1/webhooks').set('Cookie', s.cookie).expect(200);
    expect(org.body.items.map((i: { id: string }) => i.id)).toEqual([orgLevel]);
    expect((await list(w.otherProjectId).expect(200)).body.items.map((i: { id: string }) => i.id)).toEqual([elsewhere.webhook.id]);
  });

  it('pages with limit and offset; a bad limit is a 400 naming it', async () => {
    const res = await list(w.projectId, '?limit=1&offset=1').expect(200);
    expect(res.body).toMatchObject({ total: 2, limit: 1, offset: 1, items: [expect.objectContaining({ description: 'first' })] });
    const bad = await list(w.projectId, '?limit=0').expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'limit'] }));
  });

  it("another organisation's project → 404; its key sees its own project's (empty) list", async () => {
    expect((await list(w.other.projectId).expect(404)).body.code).toBe('NOT_FOUND');
    const res = await w.h.api.get(webhooksPath(w.other.projectId)).set('X-API-Key', w.other.key).expect(200);
    expect(res.body).toMatchObject({ total: 0, items: [] });
  });

  it('role matrix: every project role reads; a member without a role in the project gets 404; a key needs webhooks:read', async () => {
    for (const who of ['orgOwner', 'orgAdmin', 'owner', 'admin', 'developer', 'viewer'] as const) {
      const res = await w.h.api.get(webhooksPath(w.projectId)).set('Cookie', w.sessions[who].cookie).expect(200);
      expect(res.body.total).toBe(2);
    }
    await w.h.api.get(webhooksPath(w.projectId)).set('Cookie', w.sessions.outsider.cookie).expect(404);
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['runs:read'] });
    const res = await w.h.api.get(webhooksPath(w.projectId)).set('X-API-Key', key).expect(403);
    expect(res.body.code).toBe('INSUFFICIENT_SCOPE');
  });
});
