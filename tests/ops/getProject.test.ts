import { randomUUID } from 'node:crypto';
import { asKey, asSession, projectKey, startProjectsWorld, type ProjectsWorld } from './projects-world';

describe('GET /api/v1/projects/{project_id}', () => {
  let w: ProjectsWorld;
  let id: string;
  beforeAll(async () => {
    w = await startProjectsWorld();
    id = await w.newProject('Gamma');
  });
  afterAll(() => w.h.close());
  const get = (pid = id) => w.h.api.get(`/api/v1/projects/${pid}`);

  it('every project role, organisation owners and admins, and keys read it', async () => {
    const { rows } = await w.h.db.query('SELECT created_at FROM projects WHERE id = $1', [id]);
    const expected = { id, name: 'Gamma', description: '', created_by: w.users.owner.id, created_at: new Date(Math.floor(rows[0].created_at.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'), updated_at: expect.any(String) };
    for (const who of ['orgOwner', 'orgAdmin', 'owner', 'admin', 'developer', 'viewer'] as const) {
      const res = await asSession(get(), w.users[who].session).expect(200);
      expect(res.body).toEqual(expected);
    }
    await asKey(get(), w.keys.read).expect(200);
    await asKey(get(), await projectKey(w, id, ['projects:read'])).expect(200);
  });

  it('not found (404) for a member without a role, another project’s key, another organisation, and no such id', async () => {
    const other = await w.newProject();
    const cases = [
      asSession(get(), w.users.outsider.session),
      asKey(get(), await projectKey(w, other, ['projects:read'])),
      asKey(get(), w.other.key),
      asSession(get(), w.other.ownerSession),
      asKey(get(w.other.projectId), w.keys.read),
      asKey(get(randomUUID()), w.keys.read),
    ];
    for (const t of cases) {
      const res = await t.expect(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', error: 'Project not found' });
    }
  });

  it('refuses a malformed id (400 naming it), no credential (401) and a key without projects:read (403)', async () => {
    const bad = await asKey(get('not-a-uuid'), w.keys.read).expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'project_id'] }));
    await get().expect(401);
    await asKey(get(), w.keys.noProjects).expect(403);
  });
});
