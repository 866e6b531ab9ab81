// GET /api/v1/runs/{id}/events: the run's log by seq, after_seq and cursor; 404 out of reach.
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { appendEvent, enqueueRun } from '../../src/runs/store';
import { createProject, insertRun } from './runs-support';

let h: Harness;
let orgId: string;
let runId: string;
let key: string;

beforeAll(async () => {
  h = await startHarness();
  orgId = (await createOrg(h.db)).id;
  const projectId = await createProject(h.db, orgId);
  key = (await createApiKey(h.db, { orgId, scopes: ['runs:read'] })).key;
  runId = await enqueueRun(h.db, { orgId, projectId, kind: 'introspect', subjectType: 'connection', subjectId: projectId, actor: { type: 'system', id: null } });
  // Writers racing on one run (worker, cancel, sweep) each get their own seq.
  await Promise.all([1, 2, 3, 4].map((i) => appendEvent(h.db, runId, i === 4 ? 'error' : 'info', `step ${i}`, { i })));
});
afterAll(() => h.close());

const events = (query = '') => h.api.get(`/api/v1/runs/${runId}/events${query}`).set('X-API-Key', key).expect(200);

it('the log by seq, 1…n without gaps', async () => {
  const res = await events();
  expect(res.body.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(res.body.items[0]).toEqual({ seq: 1, at: expect.any(String), level: 'info', message: 'Run queued', data: { kind: 'introspect' } });
  expect(res.body.items.map((e: { message: string }) => e.message).slice(1).sort()).toEqual(['step 1', 'step 2', 'step 3', 'step 4']);
  expect(res.body).toMatchObject({ total: 5, next_cursor: null });
});

it('after_seq: only what follows; cursor walks the same', async () => {
  expect((await events('?after_seq=3')).body.items.map((e: { seq: number }) => e.seq)).toEqual([4, 5]);
  const first = await events('?limit=2');
  const second = await events(`?limit=2&cursor=${first.body.next_cursor}`);
  expect(second.body.items.map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
});

it('404: another organisation\'s run', async () => {
  const other = (await createOrg(h.db)).id;
  const foreign = await insertRun(h.db, { orgId: other, projectId: await createProject(h.db, other) });
  await h.api.get(`/api/v1/runs/${foreign}/events`).set('X-API-Key', key).expect(404);
});
