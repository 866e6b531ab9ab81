import { createApiKey } from '../helpers/factories';
import { createProjectWebhookVia, insertOrgWebhook, useProjectWorld, webhooksPath, type ProjectWorld } from './project-webhook-support';

describe('GET /api/v1/projects/{project_id}/webhooks/{id}', () => {
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x));
  const get = (id: string, projectId = w.projectId, key = w.key) => w.h.api.get(`${webhooksPath(projectId)}/${id}`).set('X-API-Key', key);

  it('answers the subscription as created, never its secret', async () => {
    const { webhook, secret } = await createProjectWebhookVia(w, { events: ['run.failed'] });
    const res = await get(webhook.id).expect(200);
    expect(res.body).toEqual(webhook);
    expect(res.body).toMatchObject({ project_id: w.projectId, events: ['run.failed'] });
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it("isolation: another project's subscription, an organisation-level one, another organisation's → 404", async () => {
    const elsewhere = await createProjectWebhookVia(w, {}, w.otherProjectId);
    expect((await get(elsewhere.webhook.id).expect(404)).body.code).toBe('NOT_FOUND');
    const orgLevel = await insertOrgWebhook(w.h.db, w.orgId, w.receiver.url);
    await get(orgLevel).expect(404);
    // and the organisation API does not reach a project's subscription either
    const s = w.sessions.orgOwner;
    await w.h.api.get(`/api/v1/webhooks/${elsewhere.webhook.id}`).set('Cookie', s.cookie).expect(404);
    const theirs = (await w.h.api.post(webhooksPath(w.other.projectId)).set('X-API-Key', w.other.key).send({ url: w.receiver.url, events: ['run.failed'] }).expect(201)).body.webhook;
    await get(theirs.id).expect(404);
    await get(theirs.id, w.other.projectId).expect(404);
  });

  it('a malformed id → 400 naming it', async () => {
    const res = await get('nope').expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  });

  it('role matrix: every project role reads; no role → 404; a key without webhooks:read → 403', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    for (const who of ['orgOwner', 'orgAdmin', 'owner', 'admin', 'developer', 'viewer'] as const) {
      await w.h.api.get(`${webhooksPath(w.projectId)}/${webhook.id}`).set('Cookie', w.sessions[who].cookie).expect(200);
    }
    await w.h.api.get(`${webhooksPath(w.projectId)}/${webhook.id}`).set('Cookie', w.sessions.outsider.cookie).expect(404);
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['webhooks:write'] });
    await get(webhook.id, w.projectId, key).expect(403);
  });
});
