// The runs' recoverer works in batches (handlers/ops/patches/recover.ts). Executions it cannot
// decide — here, their target database is gone — must not fill every batch: each one tried goes to
// the back of the queue, so a newer execution it can decide is reached within a few passes, and a
// patch left `executing` with nothing undecided is settled at once.
import { modules } from '../../handlers';
import { recoverBatch, recoverPatchRuns } from '../../handlers/ops/patches/recover';
import { createLogger } from '../../src/logger';
import { targetConnectorOf } from '../../src/runs/modules';
import { seedPatch, startPatchWorld, type PatchWorld } from './patches-support';
import { createConnection, createTargetDatabase } from './runs-support';

let w: PatchWorld;

beforeAll(async () => {
  w = await startPatchWorld({ target: true });
});
afterAll(async () => {
  recoverBatch.size = 100;
  await w.close();
});

/** A lost run's execution, left `started` or `prepared`, as a worker killed mid-execute leaves it. */
async function undecided(patch: { id: string; content_hash: string }, state: 'started' | 'prepared'): Promise<string> {
  const { rows: run } = await w.h.db.query(
    `INSERT INTO runs (org_id, project_id, kind, subject_type, subject_id, status, actor_type, error_code, error_message, finished_at)
     VALUES ($1, $2, 'patch.execute', 'patch', $3, 'failed', 'system', 'WORKER_LOST', 'lost', now()) RETURNING id`,
    [w.orgId, w.projectId, patch.id]);
  const { rows } = await w.h.db.query(
    `INSERT INTO patch_executions (org_id, patch_id, run_id, kind, state, content_hash, target_txid, affected_rows, prepared_at)
     VALUES ($1, $2, $3, 'execute', $4, $5, CASE WHEN $4 = 'prepared' THEN 1 END, 0, CASE WHEN $4 = 'prepared' THEN now() END) RETURNING id`,
    [w.orgId, patch.id, run[0].id, state, patch.content_hash]);
  return rows[0].id;
}

const stateOf = async (executionId: string) =>
  (await w.h.db.query('SELECT state FROM patch_executions WHERE id = $1', [executionId])).rows[0].state;
const statusOf = async (patchId: string) =>
  (await w.h.api.get(`/api/v1/patches/${patchId}`).set('X-API-Key', w.key).expect(200)).body.status;

it('undecidable executions go to the back of the queue: a newer one is decided within the passes it takes to reach it', async () => {
  const gone = await createTargetDatabase();
  const goneConnection = await createConnection(w.h.db, w.orgId, w.projectId, gone);
  await gone.drop();
  const stranded = [];
  for (let i = 0; i < 3; i++) {
    const p = await seedPatch(w, { connectionId: goneConnection, status: 'executing' });
    stranded.push({ patchId: p.id, executionId: await undecided(p, 'prepared') });
  }
  // The newest: on the live target, killed before 'prepared', so the protocol decides it (aborted).
  const fresh = await seedPatch(w, { status: 'executing' });
  const freshExecution = await undecided(fresh, 'started');
  // Left `executing` with no run and no execution (an execute cancelled while queued).
  const orphan = await seedPatch(w, { status: 'executing' });

  recoverBatch.size = 2;
  const deps = { db: w.h.db, log: createLogger('silent'), connector: targetConnectorOf(modules) };
  // Pass 1 takes the two oldest stranded ones (the target is away: still undecided); the orphan
  // is settled in the same pass, however many patches wait on undecided executions.
  await recoverPatchRuns(deps);
  expect(await stateOf(freshExecution)).toBe('started');
  expect(await statusOf(orphan.id)).toBe('failed');
  // Pass 2 takes what was not tried yet: the third stranded one and the fresh one.
  await recoverPatchRuns(deps);
  expect(await stateOf(freshExecution)).toBe('aborted');
  expect(await statusOf(fresh.id)).toBe('failed');
  // The stranded ones wait, undecided and `executing`, for their target to come back.
  for (const s of stranded) {
    expect(await stateOf(s.executionId)).toBe('prepared');
    expect(await statusOf(s.patchId)).toBe('executing');
  }
  const { rows } = await w.h.db.query('SELECT count(*)::int AS n FROM patch_executions WHERE id = ANY($1) AND reconcile_tried_at IS NOT NULL',
    [stranded.map((s) => s.executionId)]);
  expect(rows[0].n).toBe(3);
});
