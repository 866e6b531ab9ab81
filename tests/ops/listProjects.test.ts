import { asKey, asSession, projectKey, startProjectsWorld, type ProjectsWorld } from './projects-world';
import { createProject } from '../helpers/ops-factories';

describe('GET /api/v1/projects', () => {
  let w: ProjectsWorld;
  let mine: string;
  let notMine: string;
  beforeAll(async () => {
    w = await startProjectsWorld();
    mine = await w.newProject('Alpha');
    notMine = (await createProject(w.h.db, w.orgId, { name: 'Beta' })).id;
  });
  afterAll(() => w.h.close());
  const list = (q = '') => w.h.api.get(`/api/v1/projects${q}`);
  const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((p) => p.id);

  it('organisation owners, admins and org-wide keys see every project of the organisation, oldest first', async () => {
    for (const t of [asSession(list(), w.users.orgOwner.session), asSession(list(), w.users.orgAdmin.session), asKey(list(), w.keys.read)]) {
      const res = await t.expect(200);
      expect(res.body).toEqual({ items: [expect.objectContaining({ id: mine, name: 'Alpha' }), expect.objectContaining({ id: notMine, name: 'Beta' })], total: 2, limit: 50, offset: 0 });
    }
  });

  it('a member sees the projects they have a role in; one without a role sees none', async () => {
    for (const who of ['owner', 'admin', 'developer', 'viewer'] as const) {
      const res = await asSession(list(), w.users[who].session).expect(200);
      expect([who, ids(res), res.body.total]).toEqual([who, [mine], 1]);
    }
    const none = await asSession(list(), w.users.outsider.session).expect(200);
    expect(none.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
  });

  it('a project key sees its own project only', async () => {
    const res = await asKey(list(), await projectKey(w, notMine, ['projects:read'])).expect(200);
    expect(ids(res)).toEqual([notMine]);
  });

  it('pages with limit and offset; another organisation never shows', async () => {
    const page = await asKey(list('?limit=1&offset=1'), w.keys.read).expect(200);
    expect(page.body).toMatchObject({ items: [{ id: notMine }], total: 2, limit: 1, offset: 1 });
    const theirs = await asKey(list(), w.other.key).expect(200);
    expect(ids(theirs)).toEqual([w.other.projectId]);
  });

  it('refuses a bad limit (400 naming it), no credential (401) and a key without projects:read (403)', async () => {
    const bad = await asKey(list('?limit=0'), w.keys.read).expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'limit'] }));
    await list().expect(401);
    const res = await asKey(list(), w.keys.noProjects).expect(403);
    expect(res.body.code).toBe('INSUFFICIENT_SCOPE');
  });
});
