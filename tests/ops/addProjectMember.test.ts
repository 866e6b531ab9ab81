import { randomUUID } from 'node:crypto';
import { asKey, asSession, auditOf, startProjectsWorld, type ProjectsWorld } from './projects-world';

describe('POST /api/v1/projects/{project_id}/members', () => {
  let w: ProjectsWorld;
  beforeAll(async () => {
    w = await startProjectsWorld();
  });
  afterAll(() => w.h.close());
  const post = (pid: string, body: unknown) => w.h.api.post(`/api/v1/projects/${pid}/members`).send(body as object);
  const roleIn = async (pid: string, userId: string) => (await w.h.db.query('SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2', [pid, userId])).rows[0]?.role ?? null;

  it('a project admin adds an organisation member, who can then reach the project; with an audit event', async () => {
    const id = await w.newProject();
    const res = await asSession(post(id, { user_id: w.users.outsider.id, role: 'developer' }), w.users.admin.session).expect(201);
    expect(res.body).toEqual({
      id: w.users.outsider.id, email: expect.any(String), name: 'User outsider', role: 'developer', added_by: w.users.admin.id,
      created_at: expect.any(String), updated_at: expect.any(String),
    });
    expect(await roleIn(id, w.users.outsider.id)).toBe('developer');
    expect(await auditOf(w, id)).toEqual([
      { action: 'project.member_added', actor_type: 'user', actor_id: w.users.admin.id, target_type: 'project', target_id: id, metadata: { user_id: w.users.outsider.id, role: 'developer' } },
    ]);
    await asSession(w.h.api.get(`/api/v1/projects/${id}`), w.users.outsider.session).expect(200);
  });

  it('only an owner grants owner: a project admin gets 403, a project owner and an organisation admin may', async () => {
    const id = await w.newProject();
    const res = await asSession(post(id, { user_id: w.users.outsider.id, role: 'owner' }), w.users.admin.session).expect(403);
    expect(res.body.error).toBe('Only a project owner can grant, change or remove the owner role');
    expect(await roleIn(id, w.users.outsider.id)).toBeNull();
    await asSession(post(id, { user_id: w.users.outsider.id, role: 'owner' }), w.users.owner.session).expect(201);
    await asSession(post(id, { user_id: w.users.orgAdmin.id, role: 'owner' }), w.users.orgAdmin.session).expect(201);
  });

  it('developers and viewers cannot manage members (403); nor can an API key, whatever its scopes (401: session only)', async () => {
    const id = await w.newProject();
    for (const who of ['developer', 'viewer'] as const) {
      const res = await asSession(post(id, { user_id: w.users.outsider.id, role: 'viewer' }), w.users[who].session).expect(403);
      expect(res.body.error).toBe(`Your project role (${who}) does not allow members.manage`);
    }
    // Session only: a key is not a credential this operation reads.
    const key = await asKey(post(id, { user_id: w.users.outsider.id, role: 'viewer' }), w.keys.write).expect(401);
    expect(key.body.error).toBe('Sign in first: this operation needs a console session');
    expect(await roleIn(id, w.users.outsider.id)).toBeNull();
  });

  it('a user outside the organisation is a 400 naming user_id (the same as no such user); a member already there a 409', async () => {
    const id = await w.newProject();
    for (const userId of [w.other.memberId, randomUUID()]) {
      const res = await asSession(post(id, { user_id: userId, role: 'viewer' }), w.users.owner.session).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR', error: 'user_id is not a member of the organisation', details: [{ loc: ['body', 'user_id'], type: 'membership' }] });
    }
    const dup = await asSession(post(id, { user_id: w.users.viewer.id, role: 'admin' }), w.users.owner.session).expect(409);
    expect(dup.body.details).toEqual([expect.objectContaining({ loc: ['body', 'user_id'] })]);
    expect(await roleIn(id, w.users.viewer.id)).toBe('viewer');
  });

  it.each([
    ['no role', { user_id: randomUUID() }, ['body', 'role'], 'required'],
    ['an unknown role', { user_id: randomUUID(), role: 'superuser' }, ['body', 'role'], 'enum'],
    ['a malformed user_id', { user_id: 'me', role: 'viewer' }, ['body', 'user_id'], 'format'],
  ])('refuses %s with a 400 naming the field', async (_what, body, loc, type) => {
    const res = await asSession(post(await w.newProject(), body), w.users.owner.session).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc, type }));
  });

  it('not found (404) out of reach', async () => {
    const id = await w.newProject();
    for (const t of [
      asSession(post(id, { user_id: w.users.outsider.id, role: 'viewer' }), w.users.outsider.session),
      asSession(post(id, { user_id: w.users.outsider.id, role: 'viewer' }), w.other.ownerSession),
      asSession(post(w.other.projectId, { user_id: w.users.outsider.id, role: 'viewer' }), w.users.orgOwner.session),
    ]) {
      expect((await t.expect(404)).body.error).toBe('Project not found');
    }
    expect(await roleIn(id, w.users.outsider.id)).toBeNull();
  });

  it('401 without a session; 413 and 415 for bodies', async () => {
    const id = await w.newProject();
    await post(id, { user_id: w.users.outsider.id, role: 'viewer' }).expect(401);
    await asSession(post(id, { user_id: w.users.outsider.id, role: 'viewer', pad: 'x'.repeat(110_000) }), w.users.owner.session).expect(413);
    await asSession(w.h.api.post(`/api/v1/projects/${id}/members`), w.users.owner.session).set('Content-Type', 'text/plain').send('role=viewer').expect(415);
  });
});
