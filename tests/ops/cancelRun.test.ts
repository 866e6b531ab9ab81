// POST /api/v1/runs/{id}/cancel. The headline: a run executing `SELECT pg_sleep(60)` on a real
// target database is cancelled through the API — at once, pushed to the worker by NOTIFY (no poll
// can stand in for it: the test's worker polls once an hour), and its target backend gone. The run kind `test.sleep` is test-only (tests/ops/fixtures/sleep-kind.ts) but registered
// through the same registry; the queue, lease, cancel (pg_cancel_backend from a second target
// session) and target connector are the real ones (src/runs/).
import { insertSession } from '../helpers/battery-world';
import type { TestDatabase } from '../helpers/db';
import { createApiKey, createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import type { RunWorker } from '../../src/runs/worker';
import { addProjectMember, createConnection, createProject, createTargetDatabase, insertRun, startTestWorker, targetBackends, waitFor } from './runs-support';

let h: Harness;
let orgId: string;
let projectId: string;
let key: string;
const targets: TestDatabase[] = [];
let worker: RunWorker | undefined;

beforeAll(async () => {
  h = await startHarness();
  orgId = (await createOrg(h.db)).id;
  projectId = await createProject(h.db, orgId);
  key = (await createApiKey(h.db, { orgId, scopes: ['runs:read', 'runs:write'] })).key;
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});
afterAll(async () => {
  for (const t of targets) await t.drop();
  await h.close();
});

const getRun = (id: string) => h.api.get(`/api/v1/runs/${id}`).set('X-API-Key', key).expect(200);

it('cancels a running pg_sleep(60) on the target: the cancel is pushed to the worker (it polls hourly), the run cancelled, target backend gone', async () => {
  const target = await createTargetDatabase();
  targets.push(target);
  const connectionId = await createConnection(h.db, orgId, projectId, target);
  // Polls and heartbeats once an hour, and the lease outlives the test: what reaches this worker
  // in time is a NOTIFY, for the claim as for the cancel.
  worker = startTestWorker(h.db, { sleep: true, pollMs: 3_600_000, leaseMs: 7_200_000 });
  await worker.ready;
  const runId = await insertRun(h.db, { orgId, projectId, kind: 'test.sleep', subjectId: connectionId });
  await h.db.query(`SELECT pg_notify('runs', 'queued')`);

  // Running, with its statement on the target.
  await waitFor(async () => ((await getRun(runId)).body.status === 'running' ? true : undefined), 'the run to be running');
  await waitFor(async () => {
    const { rows } = await h.db.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query = 'SELECT pg_sleep(60)' AND state = 'active'`, [`auralith/run/${runId}`]);
    return rows.length ? true : undefined;
  }, 'pg_sleep on the target');
  const running = (await getRun(runId)).body;
  expect(running).toMatchObject({ status: 'running', progress: { phase: 'sleeping', done: 0, total: 1, unit: 'statements' }, error: null, finished_at: null });
  expect(running.started_at).not.toBeNull();
  const { rows: pidRows } = await h.db.query('SELECT target_backend_pid, target_connection_id FROM runs WHERE id = $1', [runId]);
  expect(pidRows[0].target_connection_id).toBe(connectionId);
  const { rows: backend } = await h.db.query('SELECT datname FROM pg_stat_activity WHERE pid = $1', [pidRows[0].target_backend_pid]);
  expect(backend[0].datname).toBe(target.name);

  const res = await h.api.post(`/api/v1/runs/${runId}/cancel`).set('X-API-Key', key).expect(202);
  expect(res.headers.location).toBe(`/api/v1/runs/${runId}`);
  expect(res.body).toMatchObject({ id: runId, status: 'cancelling' });
  expect(res.body.cancel_requested_at).not.toBeNull();

  // No wall-clock bound: "at once" is shown by the mechanism. This worker's next tick (the
  // heartbeat that would also see 'cancelling') is an hour away and pg_sleep a minute away, so a
  // cancelled run within the wait can only come from the NOTIFY and pg_cancel_backend.
  // (Polled in the database: the API's rate limit would answer 429 to a 30 s poll.)
  await waitFor(async () => {
    const { rows } = await h.db.query('SELECT status FROM runs WHERE id = $1', [runId]);
    return rows[0].status === 'cancelled' ? true : undefined;
  }, 'the run to be cancelled', 30_000);
  const cancelled = (await getRun(runId)).body;
  expect(cancelled).toMatchObject({ status: 'cancelled', error: null, result: null });
  expect(cancelled.finished_at).not.toBeNull();

  // The target backend is gone: no session of the run on the server any more.
  await waitFor(async () => ((await targetBackends(h.db, runId)) === 0 ? true : undefined), 'the run\'s target session to end', 5000);
  const { rows: events } = await h.db.query('SELECT seq, message FROM run_events WHERE run_id = $1 ORDER BY seq', [runId]);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.map((e) => e.message)).toEqual(expect.arrayContaining(['Run started', 'Cancel requested', 'Cancelling: stopping the target query', 'Run cancelled']));
});

it('a queued run is cancelled at once; a finished one answers 409 and stays as it was', async () => {
  const runId = await insertRun(h.db, { orgId, projectId });
  const res = await h.api.post(`/api/v1/runs/${runId}/cancel`).set('X-API-Key', key).expect(202);
  expect(res.body).toMatchObject({ id: runId, status: 'cancelled' });
  expect(res.body.finished_at).not.toBeNull();

  const again = await h.api.post(`/api/v1/runs/${runId}/cancel`).set('X-API-Key', key).expect(409);
  expect(again.body).toMatchObject({ code: 'CONFLICT', error: expect.stringContaining('cancelled') });
  for (const status of ['succeeded', 'failed'] as const) {
    const done = await insertRun(h.db, { orgId, projectId, status });
    await h.api.post(`/api/v1/runs/${done}/cancel`).set('X-API-Key', key).expect(409);
    const { rows } = await h.db.query('SELECT status, cancel_requested_at FROM runs WHERE id = $1', [done]);
    expect(rows[0]).toEqual({ status, cancel_requested_at: null });
  }
});

it('asking again while cancelling changes nothing (202)', async () => {
  const runId = await insertRun(h.db, { orgId, projectId, status: 'cancelling' });
  const res = await h.api.post(`/api/v1/runs/${runId}/cancel`).set('X-API-Key', key).expect(202);
  expect(res.body.status).toBe('cancelling');
});

it('another organisation\'s run, or a project where the member has no role: 404; a viewer may not cancel: 403', async () => {
  const other = (await createOrg(h.db)).id;
  const foreign = await insertRun(h.db, { orgId: other, projectId: await createProject(h.db, other) });
  await h.api.post(`/api/v1/runs/${foreign}/cancel`).set('X-API-Key', key).expect(404);

  const member = await createUser(h.db, { orgId, role: 'member' });
  const session = await insertSession(h.db, member.id, orgId);
  const runId = await insertRun(h.db, { orgId, projectId });
  const asMember = () => h.api.post(`/api/v1/runs/${runId}/cancel`).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf);
  await asMember().expect(404);
  await addProjectMember(h.db, orgId, projectId, member.id, 'viewer');
  const forbidden = await asMember().expect(403);
  expect(forbidden.body.code).toBe('FORBIDDEN');
  await h.db.query('UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2', [projectId, member.id, 'developer']);
  expect((await asMember().expect(202)).body.status).toBe('cancelled');
  const { rows } = await h.db.query('SELECT status FROM runs WHERE id = $1', [foreign]);
  expect(rows[0].status).toBe('queued');
});
