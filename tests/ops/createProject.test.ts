import { asKey, asSession, auditOf, projectKey, startProjectsWorld, type ProjectsWorld } from './projects-world';

describe('POST /api/v1/projects', () => {
  let w: ProjectsWorld;
  beforeAll(async () => {
    w = await startProjectsWorld();
  });
  afterAll(() => w.h.close());
  const post = (body: unknown) => w.h.api.post('/api/v1/projects').send(body as object);

  it('a plain organisation member creates a project and becomes its owner, with an audit event', async () => {
    const res = await asSession(post({ name: '  Billing platform ', description: 'prod + staging' }), w.users.outsider.session).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String), name: 'Billing platform', description: 'prod + staging', created_by: w.users.outsider.id,
      created_at: expect.any(String), updated_at: res.body.created_at,
    });
    const { rows } = await w.h.db.query('SELECT user_id, role, added_by FROM project_members WHERE project_id = $1', [res.body.id]);
    expect(rows).toEqual([{ user_id: w.users.outsider.id, role: 'owner', added_by: w.users.outsider.id }]);
    expect(await auditOf(w, res.body.id)).toEqual([
      { action: 'project.created', actor_type: 'user', actor_id: w.users.outsider.id, target_type: 'project', target_id: res.body.id, metadata: { name: 'Billing platform', description: 'prod + staging' } },
    ]);
    // Theirs to read and manage at once.
    await asSession(w.h.api.get(`/api/v1/projects/${res.body.id}`), w.users.outsider.session).expect(200);
  });

  it('with an API key: no member row (organisation owners and admins run it), the key as actor', async () => {
    const res = await asKey(post({ name: 'Made by CI' }), w.keys.write).expect(201);
    expect(res.body).toMatchObject({ name: 'Made by CI', description: '', created_by: null });
    const { rows } = await w.h.db.query('SELECT count(*)::int AS n FROM project_members WHERE project_id = $1', [res.body.id]);
    expect(rows[0].n).toBe(0);
    expect(await auditOf(w, res.body.id)).toEqual([expect.objectContaining({ action: 'project.created', actor_type: 'api_key' })]);
    await asSession(w.h.api.get(`/api/v1/projects/${res.body.id}`), w.users.orgAdmin.session).expect(200);
    await asSession(w.h.api.get(`/api/v1/projects/${res.body.id}`), w.users.outsider.session).expect(404);
  });

  it('a second project of the same name (case-insensitive) is a 409 naming name; another organisation may use it', async () => {
    await asKey(post({ name: 'Data team' }), w.keys.write).expect(201);
    const res = await asSession(post({ name: 'DATA TEAM ' }), w.users.orgOwner.session).expect(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', details: [{ loc: ['body', 'name'], type: 'unique' }] });
    const { rows } = await w.h.db.query(`SELECT count(*)::int AS n FROM projects WHERE org_id = $1 AND lower(name) = 'data team'`, [w.orgId]);
    expect(rows[0].n).toBe(1);
    await asKey(post({ name: 'Data team' }), w.other.key).expect(201);
  });

  it.each([
    ['no name', {}, ['body', 'name'], 'required'],
    ['an empty name', { name: '' }, ['body', 'name'], 'minLength'],
    ['a blank name', { name: '   ' }, ['body', 'name'], 'blank'],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, ['body', 'name'], 'maxLength'],
    ['a description over 1000 characters', { name: 'ok', description: 'x'.repeat(1001) }, ['body', 'description'], 'maxLength'],
    ['an unknown field', { name: 'ok', owner: 'me' }, ['body', 'owner'], 'additionalProperties'],
  ])('refuses %s with a 400 naming the field, writing nothing', async (_what, body, loc, type) => {
    const before = await w.h.db.query('SELECT count(*)::int AS n FROM projects');
    const res = await asKey(post(body), w.keys.write).expect(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc, type }));
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM projects')).rows[0].n).toBe(before.rows[0].n);
  });

  it('needs a credential (401), the projects:write scope (403), and refuses a project key (403)', async () => {
    await post({ name: 'anon' }).expect(401);
    const scope = await asKey(post({ name: 'read only' }), w.keys.read).expect(403);
    expect(scope.body.code).toBe('INSUFFICIENT_SCOPE');
    const bound = await asKey(post({ name: 'from a project key' }), await projectKey(w, await w.newProject())).expect(403);
    expect(bound.body).toMatchObject({ code: 'FORBIDDEN', error: 'An API key bound to a project cannot create projects' });
    const { rows } = await w.h.db.query(`SELECT count(*)::int AS n FROM projects WHERE name IN ('anon', 'read only', 'from a project key')`);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a body over 100 kB (413) and one that is not JSON (415)', async () => {
    await asKey(post({ name: 'big', description: 'x'.repeat(110_000) }), w.keys.write).expect(413);
    await asKey(w.h.api.post('/api/v1/projects'), w.keys.write).set('Content-Type', 'text/plain').send('name=x').expect(415);
  });
});
