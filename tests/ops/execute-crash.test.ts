// SIGKILL at each step of an execute started through the API: three real worker processes
// (tests/ops/fixtures/patch-crash-worker.ts), each stopping its run at one step of the two-commit
// protocol — after the statement, between the commits, after the target commit — are killed. A
// fresh worker then sweeps the lost runs (failed, WORKER_LOST) and its recoverer reconciles each
// execution from the target: GET /patches/{id} shows `failed` or `executed` as decided, and each
// table matches either its state before or after the patch, never a mix.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RunWorker } from '../../src/runs/worker';
import { fakeDryRun, seedPatch, startPatchWorld, tableChecksum, targetClient, type PatchWorld } from './patches-support';
import { startTestWorker, waitFor } from './runs-support';

const ROOT = join(__dirname, '..', '..');
const STEPS = ['afterStatement', 'beforeTargetCommit', 'afterTargetCommit'] as const;
let w: PatchWorld;
let target: pg.Client;
const children: ChildProcess[] = [];
let worker: RunWorker | undefined;

beforeAll(async () => {
  w = await startPatchWorld({ target: true });
  target = await targetClient(w);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await worker?.stop();
  await target.end();
  await w.close();
});

function spawnWorker(step: string): { child: ChildProcess; stopped: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/ops/fixtures/patch-crash-worker.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: w.h.database.url,
      RUN_LEASE_MS: '1500', RUN_POLL_MS: '200', RUN_WORKER_CONCURRENCY: '1', DB_TARGET_PORTS: process.env.DB_TARGET_PORTS ?? '5432', STOP_AT: step,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const stopped = new Promise<void>((done, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`STOPPED ${step}`)) done();
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', () => fail(new Error(`worker for ${step} exited before stopping: ${out}`)));
  });
  return { child, stopped };
}

it('killed after the statement, between the commits, after the target commit → WORKER_LOST, reconciled, as before or as after', async () => {
  // One table per patch: a stopped run holds its rows' locks until it dies.
  const cases = [];
  for (let i = 0; i < STEPS.length; i++) {
    const table = `public.t${i}`;
    await target.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text); INSERT INTO ${table} SELECT g, NULL FROM generate_series(1, 200) g;`);
    const before = await tableChecksum(target, table);
    await target.query(`BEGIN; UPDATE ${table} SET note = 'patched' WHERE id <= 150`);
    const after = await tableChecksum(target, table);
    await target.query('ROLLBACK');
    const p = await seedPatch(w, { table, where: 'id <= 150', set: { note: 'patched' }, maxRows: 150, expectedRows: 150 });
    await fakeDryRun(w, p.id, { affectedRows: 150 });
    cases.push({ table, before, after, patchId: p.id, runId: '' });
  }

  // Three worker processes, one per step, each running one run at a time: every run is claimed by
  // one of them and stops at that worker's step, so each step is met exactly once.
  const spawned = STEPS.map((s) => spawnWorker(s));
  for (const c of cases) {
    const res = await w.h.api.post(`/api/v1/patches/${c.patchId}/execute`).set('X-API-Key', w.key).set('Idempotency-Key', randomUUID()).expect(202);
    c.runId = res.body.id;
  }
  await Promise.all(spawned.map((s) => s.stopped));
  for (const c of cases) expect((await w.h.api.get(`/api/v1/patches/${c.patchId}`).set('X-API-Key', w.key).expect(200)).body.status).toBe('executing');
  await Promise.all(spawned.map(({ child }) => new Promise((done) => { child.once('exit', done); child.kill('SIGKILL'); })));

  // A fresh worker: it sweeps the expired leases and reconciles what they left.
  worker = startTestWorker(w.h.db);
  const decided = [];
  for (const c of cases) {
    const patch = await waitFor(async () => {
      const body = (await w.h.api.get(`/api/v1/patches/${c.patchId}`).set('X-API-Key', w.key).expect(200)).body;
      return body.status === 'executing' ? undefined : body;
    }, `patch on ${c.table} to be reconciled`, 20_000);
    const run = (await w.h.api.get(`/api/v1/runs/${c.runId}`).set('X-API-Key', w.key).expect(200)).body;
    expect(run).toMatchObject({ status: 'failed', error: { code: 'WORKER_LOST' } });
    const { rows } = await w.h.db.query(`SELECT state, decided_by FROM patch_executions WHERE patch_id = $1`, [c.patchId]);
    expect(rows).toHaveLength(1);
    const { state, decided_by } = rows[0];
    // The target is exactly one of the two states, and the patch's status says which.
    const now = await tableChecksum(target, c.table);
    if (state === 'committed') {
      expect(now).toEqual(c.after);
      expect(patch.status).toBe('executed');
    } else {
      expect(state).toBe('aborted');
      expect(now).toEqual(c.before);
      expect(patch.status).toBe('failed');
    }
    const events = (await w.h.api.get(`/api/v1/runs/${c.runId}/events`).set('X-API-Key', w.key).expect(200)).body.items;
    expect(events).toContainEqual(expect.objectContaining({ level: 'info', message: expect.stringMatching(/^Reconciled after the run ended/) }));
    decided.push(`${state}/${decided_by}`);
  }
  // Killed before 'prepared': aborted by the protocol; between the commits: aborted by the target's
  // txid_status; after the target commit: committed by txid_status.
  expect(decided.sort()).toEqual(['aborted/protocol', 'aborted/txid_status', 'committed/txid_status']);
}, 60_000);

it('a prepared execution whose target transaction is still open is left undecided, and decided at a later tick once it ends', async () => {
  await target.query('CREATE TABLE public.slow (id int PRIMARY KEY, note text); INSERT INTO public.slow VALUES (1, NULL)');
  const p = await seedPatch(w, { table: 'public.slow', where: 'id = 1', set: { note: 'late' }, status: 'executing' });
  // The "old session": a target transaction this test holds open, as a worker's would be.
  const old = await targetClient(w);
  await old.query('BEGIN');
  const txid = (await old.query(`SELECT txid_current()::text AS t`)).rows[0].t;
  await old.query(`UPDATE public.slow SET note = 'late' WHERE id = 1`);
  const { rows: run } = await w.h.db.query(
    `INSERT INTO runs (org_id, project_id, kind, subject_type, subject_id, status, actor_type, error_code, error_message, finished_at)
     VALUES ($1, $2, 'patch.execute', 'patch', $3, 'failed', 'system', 'WORKER_LOST', 'lost', now()) RETURNING id`,
    [w.orgId, w.projectId, p.id]);
  const { rows: ex } = await w.h.db.query(
    `INSERT INTO patch_executions (org_id, patch_id, run_id, kind, state, content_hash, target_txid, affected_rows, prepared_at)
     VALUES ($1, $2, $3, 'execute', 'prepared', $4, $5, 0, now()) RETURNING id`,
    [w.orgId, p.id, run[0].id, p.content_hash, txid]);
  // A worker starting recovers at once. Its pass first tries the execution, then settles patches
  // left executing without a run: the marker's `failed` says the pass is over.
  const marker = await seedPatch(w, { table: 'public.slow', where: 'id = 1', status: 'executing' });
  await worker?.stop();
  worker = startTestWorker(w.h.db);
  await waitFor(async () => {
    const { rows } = await w.h.db.query('SELECT status FROM patches WHERE id = $1', [marker.id]);
    return rows[0].status === 'failed' ? true : undefined;
  }, 'a recovery pass');
  expect((await w.h.db.query('SELECT state FROM patch_executions WHERE id = $1', [ex[0].id])).rows[0].state).toBe('prepared');
  expect((await w.h.api.get(`/api/v1/patches/${p.id}`).set('X-API-Key', w.key).expect(200)).body.status).toBe('executing');

  await old.query('COMMIT');
  await old.end();
  // Wait on what a user sees, the patch's status: the recoverer decides the execution, then
  // settles the patch in a second statement, so the execution row alone says done too early.
  const settled = await waitFor(async () => {
    const body = (await w.h.api.get(`/api/v1/patches/${p.id}`).set('X-API-Key', w.key).expect(200)).body;
    return body.status === 'executing' ? undefined : body;
  }, 'the patch to be settled');
  expect(settled.status).toBe('executed');
  const { rows: done } = await w.h.db.query('SELECT state, decided_by FROM patch_executions WHERE id = $1', [ex[0].id]);
  expect(done[0]).toEqual({ state: 'committed', decided_by: 'txid_status' });
});
