// GET /api/v1/runs/{id}: the run as documented, in every status; 404 out of reach.
import { insertSession } from '../helpers/battery-world';
import { createApiKey, createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { addProjectMember, createProject, insertRun } from './runs-support';

let h: Harness;
let orgId: string;
let projectId: string;
let key: string;

beforeAll(async () => {
  h = await startHarness();
  orgId = (await createOrg(h.db)).id;
  projectId = await createProject(h.db, orgId);
  key = (await createApiKey(h.db, { orgId, scopes: ['runs:read'] })).key;
});
afterAll(() => h.close());

it.each(['queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled'])('a %s run', async (status) => {
  const id = await insertRun(h.db, { orgId, projectId, status, errorCode: status === 'failed' ? 'WORKER_LOST' : undefined });
  const res = await h.api.get(`/api/v1/runs/${id}`).set('X-API-Key', key).expect(200);
  expect(res.body).toMatchObject({ id, project_id: projectId, kind: 'introspect', status, created_by: { type: 'system', id: null } });
  expect(res.body.error).toEqual(status === 'failed' ? { code: 'WORKER_LOST', message: 'failed' } : null);
  expect(res.body.finished_at === null).toBe(!['succeeded', 'failed', 'cancelled'].includes(status));
});

it('progress and result as the worker recorded them', async () => {
  const id = await insertRun(h.db, { orgId, projectId, status: 'succeeded' });
  await h.db.query(`UPDATE runs SET progress = '{"phase":"reading_catalog","done":3,"total":3,"unit":"tables"}', result = '{"tables":3}' WHERE id = $1`, [id]);
  const res = await h.api.get(`/api/v1/runs/${id}`).set('X-API-Key', key).expect(200);
  expect(res.body.progress).toEqual({ phase: 'reading_catalog', done: 3, total: 3, unit: 'tables' });
  expect(res.body.result).toEqual({ tables: 3 });
});

it('404: another organisation\'s run, an unknown id, a project the member has no role in', async () => {
  const other = (await createOrg(h.db)).id;
  const foreign = await insertRun(h.db, { orgId: other, projectId: await createProject(h.db, other) });
  expect((await h.api.get(`/api/v1/runs/${foreign}`).set('X-API-Key', key).expect(404)).body.code).toBe('NOT_FOUND');
  await h.api.get('/api/v1/runs/00000000-0000-4000-8000-000000000000').set('X-API-Key', key).expect(404);

  const member = await createUser(h.db, { orgId, role: 'member' });
  const session = await insertSession(h.db, member.id, orgId);
  const id = await insertRun(h.db, { orgId, projectId });
  const asMember = () => h.api.get(`/api/v1/runs/${id}`).set('Cookie', session.cookie);
  await asMember().expect(404);
  await addProjectMember(h.db, orgId, projectId, member.id, 'viewer');
  expect((await asMember().expect(200)).body.id).toBe(id);
});
