// GET /api/v1/runs: newest first, filters, keyset cursor, and only the projects in reach.
import { insertSession } from '../helpers/battery-world';
import { createApiKey, createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { addProjectMember, createProject, insertRun } from './runs-support';

let h: Harness;
let orgId: string;
let projectA: string;
let projectB: string;
let key: string;
const ids: Record<string, string> = {};
const subject = '5d0c7a3e-9b1f-4e2a-8c6d-3f7b2a1e9d40';

beforeAll(async () => {
  h = await startHarness();
  orgId = (await createOrg(h.db)).id;
  projectA = await createProject(h.db, orgId);
  projectB = await createProject(h.db, orgId);
  key = (await createApiKey(h.db, { orgId, scopes: ['runs:read'] })).key;
  const t = Date.parse('2026-05-01T09:00:00Z');
  ids.a1 = await insertRun(h.db, { orgId, projectId: projectA, createdAt: new Date(t), status: 'succeeded', subjectId: subject });
  ids.a2 = await insertRun(h.db, { orgId, projectId: projectA, createdAt: new Date(t + 1000), status: 'failed', errorCode: 'WORKER_LOST' });
  ids.b1 = await insertRun(h.db, { orgId, projectId: projectB, createdAt: new Date(t + 2000), kind: 'other.kind' });
  const other = (await createOrg(h.db)).id;
  await insertRun(h.db, { orgId: other, projectId: await createProject(h.db, other) });
});
afterAll(() => h.close());

const list = (query = '') => h.api.get(`/api/v1/runs${query}`).set('X-API-Key', key).expect(200);

it('every run of the organisation, newest first, never another organisation\'s', async () => {
  const res = await list();
  expect(res.body.items.map((r: { id: string }) => r.id)).toEqual([ids.b1, ids.a2, ids.a1]);
  expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0, next_cursor: null });
});

it('filters: project_id, kind, status, subject_id', async () => {
  expect((await list(`?project_id=${projectA}`)).body.items.map((r: { id: string }) => r.id)).toEqual([ids.a2, ids.a1]);
  expect((await list('?kind=other.kind')).body.items.map((r: { id: string }) => r.id)).toEqual([ids.b1]);
  expect((await list('?status=failed')).body.items.map((r: { id: string }) => r.id)).toEqual([ids.a2]);
  expect((await list(`?subject_id=${subject}`)).body.items.map((r: { id: string }) => r.id)).toEqual([ids.a1]);
  expect((await list('?status=cancelled')).body).toMatchObject({ items: [], total: 0 });
});

it('walks by cursor, each run once', async () => {
  const first = await list('?limit=2');
  expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([ids.b1, ids.a2]);
  expect(first.body.next_cursor).toEqual(expect.any(String));
  const second = await list(`?limit=2&cursor=${first.body.next_cursor}`);
  expect(second.body.items.map((r: { id: string }) => r.id)).toEqual([ids.a1]);
  expect(second.body.next_cursor).toBeNull();
  const bad = await h.api.get('/api/v1/runs?cursor=garbage').set('X-API-Key', key).expect(400);
  expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'cursor'] }));
});

it('a console member sees only the projects where they have a role', async () => {
  const member = await createUser(h.db, { orgId, role: 'member' });
  const session = await insertSession(h.db, member.id, orgId);
  const asMember = () => h.api.get('/api/v1/runs').set('Cookie', session.cookie).expect(200);
  expect((await asMember()).body).toMatchObject({ items: [], total: 0 });
  await addProjectMember(h.db, orgId, projectB, member.id, 'viewer');
  expect((await asMember()).body.items.map((r: { id: string }) => r.id)).toEqual([ids.b1]);
});
