import { createProjectWebhookVia, useProjectWorld, webhooksPath, type ProjectWorld } from './project-webhook-support';

describe('POST /api/v1/projects/{project_id}/webhooks', () => {
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x));
  const post = (body: unknown, key = w.key, projectId = w.projectId) => w.h.api.post(webhooksPath(projectId)).set('X-API-Key', key).send(body as object);

  it("creates a subscription of the project, shows its secret once, and stores it bound to the project", async () => {
    const res = await post({ url: w.receiver.url, events: ['run.succeeded', 'run.failed'], description: 'CI' }).expect(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.body.webhook).toMatchObject({
      project_id: w.projectId,
      url: w.receiver.url,
      events: ['run.succeeded', 'run.failed'],
      description: 'CI',
      active: true,
      disabled_at: null,
      failing_since: null,
    });
    const { rows } = await w.h.db.query('SELECT org_id, project_id, encode(secret_encrypted, $2) AS hex FROM webhook_endpoints WHERE id = $1', [res.body.webhook.id, 'hex']);
    expect(rows[0]).toMatchObject({ org_id: w.orgId, project_id: w.projectId });
    expect(rows[0].hex).not.toContain(Buffer.from(res.body.secret).toString('hex'));
    const { rows: audit } = await w.h.db.query('SELECT action, actor_type, metadata FROM audit_events WHERE target_id = $1', [res.body.webhook.id]);
    expect(audit).toEqual([{ action: 'webhook.created', actor_type: 'api_key', metadata: { host: `127.0.0.1:${w.receiver.port}`, events: ['run.succeeded', 'run.failed'], project_id: w.projectId } }]);
  });

  it.each([
    [{ events: ['run.failed'] }, ['body', 'url'], 'required'],
    [{ url: 'https://a.example/h', events: [] }, ['body', 'events'], 'minItems'],
    // An organisation-level event is not a project's: the project's endpoint could never receive it.
    [{ url: 'https://a.example/h', events: ['client.created'] }, ['body', 'events', 0], 'enum'],
    [{ url: 'https://a.example/h', events: ['webhook.test'] }, ['body', 'events', 0], 'enum'],
    [{ url: 'https://a.example/h', events: ['run.failed'], project_id: 'x' }, ['body', 'project_id'], 'additionalProperties'],
  ])('refuses %j with a 400 naming %j', async (body, loc, type) => {
    const res = await post(body).expect(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc, type }));
  });

  it('checks the URL like the organisation webhooks (400 naming url) and writes nothing', async () => {
    const before = await w.h.db.query('SELECT count(*)::int AS n FROM webhook_endpoints');
    const res = await post({ url: 'ftp://a.example/h', events: ['run.failed'] }).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['body', 'url'] }));
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM webhook_endpoints')).rows[0].n).toBe(before.rows[0].n);
  });

  it('a key needs each event\'s read scope (run.* → runs:read): 403 INSUFFICIENT_SCOPE naming it, nothing created', async () => {
    const res = await post({ url: w.receiver.url, events: ['run.succeeded'] }, w.keyWithoutRuns).expect(403);
    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', details: [expect.objectContaining({ loc: ['body', 'events', 0], msg: 'run.succeeded needs the scope runs:read' })] });
    // And webhooks:write itself (the spec's scope, checked before the handler).
    await post({ url: w.receiver.url, events: ['run.succeeded'] }, w.readOnlyKey).expect(403);
  });

  it("another organisation's project, an unknown one, or a malformed id → 404 / 400", async () => {
    await post({ url: w.receiver.url, events: ['run.failed'] }, w.key, w.other.projectId).expect(404);
    await post({ url: w.receiver.url, events: ['run.failed'] }, w.key, '00000000-0000-4000-8000-000000000000').expect(404);
    const bad = await post({ url: w.receiver.url, events: ['run.failed'] }, w.key, 'nope').expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'project_id'] }));
  });

  it('role matrix: org owners/admins and project owners/admins may; developers and viewers 403; no role in the project 404', async () => {
    const as = (who: keyof ProjectWorld['sessions']) =>
      w.h.api.post(webhooksPath(w.projectId)).set('Cookie', w.sessions[who].cookie).set('X-CSRF-Token', w.sessions[who].csrf).send({ url: w.receiver.url, events: ['run.failed'] });
    for (const who of ['orgOwner', 'orgAdmin', 'owner', 'admin'] as const) await as(who).expect(201);
    for (const who of ['developer', 'viewer'] as const) expect((await as(who).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await as('outsider').expect(404)).body.code).toBe('NOT_FOUND');
  });

  it('at most 20 per project (409); the organisation\'s and other projects\' subscriptions do not count', async () => {
    const { rows } = await w.h.db.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE project_id = $1', [w.projectId]);
    for (let i = rows[0].n; i < 20; i++) await createProjectWebhookVia(w);
    const res = await post({ url: w.receiver.url, events: ['run.failed'] }).expect(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', error: expect.stringMatching(/project can have at most 20/) });
    await post({ url: w.receiver.url, events: ['run.failed'] }, w.key, w.otherProjectId).expect(201);
    const s = w.sessions.orgOwner;
    await w.h.api.post('/api/v1/webhooks').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send({ url: w.receiver.url, events: ['client.created'] }).expect(201);
  });

  it('refuses a body over 100 kB (413) and one that is not JSON (415)', async () => {
    await post({ url: w.receiver.url, events: ['run.failed'], description: 'x'.repeat(110_000) }).expect(413);
    const res = await w.h.api.post(webhooksPath(w.projectId)).set('X-API-Key', w.key).set('Content-Type', 'text/plain').send('url=x').expect(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
