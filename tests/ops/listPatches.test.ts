// GET /api/v1/patches: newest first, filtered by project, connection and status, within reach.
import { asSession, seedPatch, startPatchWorld, type PatchWorld } from './patches-support';

let w: PatchWorld;
const ids: Record<string, string> = {};
beforeAll(async () => {
  w = await startPatchWorld();
  ids.a = (await seedPatch(w, { name: 'a' })).id;
  ids.b = (await seedPatch(w, { name: 'b', status: 'executed' })).id;
  ids.c = (await seedPatch(w, { name: 'c', projectId: w.otherProjectId, connectionId: w.otherConnectionId })).id;
  ids.theirs = (await seedPatch(w, { name: 'theirs', orgId: w.other.orgId, projectId: w.other.projectId, connectionId: w.other.connectionId })).id;
  // Pin the order: a oldest, then b, then c.
  await w.h.db.query(`UPDATE patches SET created_at = now() - (CASE name WHEN 'a' THEN 3 WHEN 'b' THEN 2 ELSE 1 END) * interval '1 minute' WHERE id = ANY($1)`, [[ids.a, ids.b, ids.c]]);
});
afterAll(() => w.close());

const list = (query = '', key = w.key) => w.h.api.get(`/api/v1/patches${query}`).set('X-API-Key', key);
const names = (body: { items: { name: string }[] }) => body.items.map((i) => i.name);

it('200: the organisation’s patches newest first (created_at desc, then id), never another tenant’s', async () => {
  const res = await list('', w.readKey).expect(200);
  expect(names(res.body)).toEqual(['c', 'b', 'a']);
  expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
  expect(JSON.stringify(res.body)).not.toContain(ids.theirs);
});

it('filters: project_id, connection_id, status; paging', async () => {
  expect(names((await list(`?project_id=${w.projectId}`).expect(200)).body)).toEqual(['b', 'a']);
  expect(names((await list(`?connection_id=${w.otherConnectionId}`).expect(200)).body)).toEqual(['c']);
  expect(names((await list('?status=executed').expect(200)).body)).toEqual(['b']);
  expect(names((await list(`?project_id=${w.other.projectId}`).expect(200)).body)).toEqual([]);
  const page = await list('?limit=1&offset=1').expect(200);
  expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
  expect(names(page.body)).toEqual(['b']);
});

it('a project key sees its project only; a console member the projects they have a role in', async () => {
  expect(names((await list('', w.otherProjectKey).expect(200)).body)).toEqual(['c']);
  expect(names((await list(`?project_id=${w.projectId}`, w.otherProjectKey).expect(200)).body)).toEqual([]);
  expect(names((await asSession(w.h.api.get('/api/v1/patches'), w.viewer).expect(200)).body)).toEqual(['b', 'a']);
  expect(names((await asSession(w.h.api.get('/api/v1/patches'), w.owner).expect(200)).body)).toEqual(['c', 'b', 'a']);
});

it('400 for a bad filter, 401 without a credential, 403 without patches:read', async () => {
  expect((await list('?status=done').expect(400)).body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'status'] }));
  expect((await list('?project_id=1').expect(400)).body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'project_id'] }));
  await w.h.api.get('/api/v1/patches').expect(401);
  expect((await list('', w.noPatchKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
});
