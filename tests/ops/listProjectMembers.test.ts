import { randomUUID } from 'node:crypto';
import { asKey, asSession, projectKey, startProjectsWorld, type ProjectsWorld } from './projects-world';

describe('GET /api/v1/projects/{project_id}/members', () => {
  let w: ProjectsWorld;
  let id: string;
  beforeAll(async () => {
    w = await startProjectsWorld();
    id = await w.newProject();
  });
  afterAll(() => w.h.close());
  const list = (pid = id, q = '') => w.h.api.get(`/api/v1/projects/${pid}/members${q}`);

  it('lists the members with their roles, oldest first; every role may read it', async () => {
    const res = await asSession(list(), w.users.viewer.session).expect(200);
    expect(res.body.total).toBe(4);
    expect(res.body.items.map((m: { id: string; role: string }) => [m.id, m.role])).toEqual([
      [w.users.owner.id, 'owner'], [w.users.admin.id, 'admin'], [w.users.developer.id, 'developer'], [w.users.viewer.id, 'viewer'],
    ]);
    expect(res.body.items[0]).toEqual({
      id: w.users.owner.id, email: expect.stringContaining('@example.test'), name: 'User owner', role: 'owner',
      added_by: w.users.owner.id, created_at: expect.any(String), updated_at: expect.any(String),
    });
    for (const t of [asSession(list(), w.users.orgAdmin.session), asKey(list(), w.keys.read), asKey(list(), await projectKey(w, id, ['projects:read']))]) {
      expect((await t.expect(200)).body.total).toBe(4);
    }
    const page = await asKey(list(id, '?limit=2&offset=2'), w.keys.read).expect(200);
    expect(page.body.items.map((m: { id: string }) => m.id)).toEqual([w.users.developer.id, w.users.viewer.id]);
  });

  it('not found (404) out of reach', async () => {
    for (const t of [
      asSession(list(), w.users.outsider.session),
      asKey(list(), await projectKey(w, await w.newProject(), ['projects:read'])),
      asKey(list(), w.other.key),
      asKey(list(w.other.projectId), w.keys.read),
      asKey(list(randomUUID()), w.keys.read),
    ]) {
      expect((await t.expect(404)).body.error).toBe('Project not found');
    }
  });

  it('400 for a bad limit, 401 without a credential, 403 without projects:read', async () => {
    const bad = await asKey(list(id, '?limit=500'), w.keys.read).expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'limit'] }));
    await list().expect(401);
    await asKey(list(), w.keys.noProjects).expect(403);
  });
});
