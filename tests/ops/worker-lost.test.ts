// A worker killed with SIGKILL in the middle of a run: the run becomes failed/WORKER_LOST once its
// lease expires, and nothing is left behind — no lease, no claim, no session on the target. The
// killed process is the real worker entry (src/worker.ts, through tests/ops/fixtures/sleep-worker.ts
// which adds the test-only `test.sleep` kind); the sweep is done by another real worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TestDatabase } from '../helpers/db';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import type { RunWorker } from '../../src/runs/worker';
import { createConnection, createProject, createTargetDatabase, insertRun, startTestWorker, targetBackends, waitFor } from './runs-support';

const ROOT = join(__dirname, '..', '..');
let h: Harness;
let target: TestDatabase;
let child: ChildProcess | undefined;
let sweeper: RunWorker | undefined;

beforeAll(async () => {
  h = await startHarness();
  target = await createTargetDatabase();
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await sweeper?.stop();
  await target.drop();
  await h.close();
});

it('SIGKILL mid-run → failed with WORKER_LOST after the lease, its target backend gone, nothing stuck', async () => {
  const orgId = (await createOrg(h.db)).id;
  const projectId = await createProject(h.db, orgId);
  const { key } = await createApiKey(h.db, { orgId, scopes: ['runs:read'] });
  const connectionId = await createConnection(h.db, orgId, projectId, target);
  const runId = await insertRun(h.db, { orgId, projectId, kind: 'test.sleep', subjectId: connectionId });

  // A short lease (configurable: RUN_LEASE_MS) so the test waits little for it to expire.
  const output: string[] = [];
  child = spawn(process.execPath, ['--import', 'tsx', 'tests/ops/fixtures/sleep-worker.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: h.database.url, RUN_LEASE_MS: '1500', RUN_POLL_MS: '200', DB_TARGET_PORTS: process.env.DB_TARGET_PORTS ?? '5432' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => output.push(String(c)));
  child.stderr!.on('data', (c) => output.push(String(c)));

  // Running in the child, its pg_sleep active on the target.
  await waitFor(async () => {
    const { rows } = await h.db.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query = 'SELECT pg_sleep(60)' AND state = 'active'`, [`auralith/run/${runId}`]);
    return rows.length ? true : undefined;
  }, `the child worker to run pg_sleep (output: ${output.join('')})`, 30_000);
  const running = await h.api.get(`/api/v1/runs/${runId}`).set('X-API-Key', key).expect(200);
  expect(running.body.status).toBe('running');

  const exited = new Promise((resolve) => child!.once('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  // Another worker (which does not know `test.sleep`, so never claims it) sweeps expired leases.
  sweeper = startTestWorker(h.db);
  const lost = await waitFor(async () => {
    const res = await h.api.get(`/api/v1/runs/${runId}`).set('X-API-Key', key).expect(200);
    return res.body.status === 'failed' ? res.body : undefined;
  }, 'the run to fail with WORKER_LOST', 20_000);
  expect(lost.error).toEqual({ code: 'WORKER_LOST', message: expect.stringContaining('lease') });
  expect(lost.finished_at).not.toBeNull();

  // Nothing stuck: no lease or claim left, and no session of the run on the target server.
  const { rows } = await h.db.query('SELECT claimed_by, lease_until FROM runs WHERE id = $1', [runId]);
  expect(rows[0]).toEqual({ claimed_by: null, lease_until: null });
  await waitFor(async () => ((await targetBackends(h.db, runId)) === 0 ? true : undefined), 'the lost run\'s target session to end', 10_000);
  const { rows: events } = await h.db.query('SELECT level, message, data FROM run_events WHERE run_id = $1 ORDER BY seq DESC LIMIT 1', [runId]);
  expect(events[0]).toEqual({ level: 'error', message: 'Worker lost: the lease expired', data: { code: 'WORKER_LOST', status: 'failed' } });

  // jest's bound on the whole test, not an assertion: a child compiling TypeScript on a loaded
  // 2-core machine can take most of the default 30 s before its first claim.
}, 90_000);
