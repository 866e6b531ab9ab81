// What a lost patch run leaves undone (ApiModule.runRecoverer, called by every run worker at
// start, after each sweep that failed lost runs, every minute, and on the next ticks while it
// answers `retry`):
//   1. executions (or rollbacks) still `started`/`prepared` whose run is over — a worker killed
//      between the two commits, or a target COMMIT that never answered — are decided by the
//      engine's reconcileExecution from the target (txid_status, else the rows against their
//      images). `transaction_in_progress` (the dead worker's target session is not gone yet) is
//      retried at the next tick; `rows_inconclusive` is left for a person and said in the run's log.
//   2. the patch's status then follows (patch-status.ts): `executed` or `failed`, or
//      `rolled_back`; so do patches left `executing` with no live run (a queued execute cancelled).
// Idempotent: the engine decides an execution only once; several workers may do this at once.
import type pg from 'pg';
import type { RunRecoverer, RunRecoveryDeps } from '../../../src/module';
import { appendEvent } from '../../../src/runs/store';
import { reconcileExecution, type ReconcileResult } from './engine';
import { settlePatchStatus } from './patch-status';

/** How many executions, and stuck patches, one pass takes (a seam: tests shrink it). */
export const recoverBatch = { size: 100 };

interface Undecided {
  id: string;
  kind: 'execute' | 'rollback';
  patch_id: string;
  run_id: string;
  org_id: string;
  project_id: string;
  connection_id: string;
}

/** An event once: the recoverer may see the same undecided execution every minute. */
async function eventOnce(db: pg.Pool, runId: string, level: 'info' | 'warning', message: string, data: Record<string, unknown>) {
  const seen = await db.query('SELECT 1 FROM run_events WHERE run_id = $1 AND message = $2', [runId, message]);
  if (seen.rowCount === 0) await appendEvent(db, runId, level, message, data);
}

async function reconcileOne(deps: RunRecoveryDeps, e: Undecided): Promise<ReconcileResult> {
  const target = await deps.connector!(deps.db, { orgId: e.org_id, projectId: e.project_id, connectionId: e.connection_id, applicationName: `auralith/recover/${e.run_id}` });
  target.on('error', () => undefined);
  try {
    return await reconcileExecution(target, deps.db, e.id);
  } finally {
    await target.end().catch(() => undefined);
  }
}

export const recoverPatchRuns: RunRecoverer = async (deps) => {
  const { db, log } = deps;
  let retry = false;
  const { rows: undecided } = await db.query<Undecided>(
    `SELECT e.id, e.kind, e.patch_id, e.run_id, p.org_id, p.project_id, p.connection_id
       FROM patch_executions e
       JOIN patches p ON p.id = e.patch_id
       JOIN runs r ON r.id = e.run_id
      WHERE e.state IN ('started', 'prepared') AND r.status IN ('succeeded', 'failed', 'cancelled')
      ORDER BY e.reconcile_tried_at NULLS FIRST, e.created_at LIMIT $1`,
    [recoverBatch.size],
  );
  if (undecided.length > 0 && !deps.connector) log.warn('patch executions to reconcile, but no target connector');
  for (const e of deps.connector ? undecided : []) {
    try {
      const r = await reconcileOne(deps, e);
      if (r.undecided?.reason === 'transaction_in_progress') retry = true;
      else if (r.undecided)
        await eventOnce(db, e.run_id, 'warning', `The ${e.kind} cannot be decided from the target: its rows match neither image; a person must decide`, {
          execution_id: e.id, ...r.undecided,
        });
      else await eventOnce(db, e.run_id, 'info', `Reconciled after the run ended: the ${e.kind} ${r.state === 'committed' ? 'committed' : 'was rolled back'} on the target`, {
        execution_id: e.id, state: r.state, decided_by: r.decided_by ?? null,
      });
    } catch (err) {
      // The target unreachable, say: the periodic pass tries again.
      log.warn({ err, execution: e.id, run: e.run_id }, 'patch execution not reconciled yet');
    }
    // Tried: to the back of the queue, whether it was decided or not.
    await db.query('UPDATE patch_executions SET reconcile_tried_at = now() WHERE id = $1', [e.id]);
    await settlePatchStatus(db, e.patch_id);
  }

  // Patches left `executing` by a run that is over without an undecided execution (those wait for
  // the loop above: left in here, undecidable ones would fill every batch).
  const { rows: stuck } = await db.query<{ id: string }>(
    `SELECT p.id FROM patches p
      WHERE p.status = 'executing'
        AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.org_id = p.org_id AND r.subject_type = 'patch' AND r.subject_id = p.id
                                              AND r.kind = 'patch.execute' AND r.status IN ('queued', 'running', 'cancelling'))
        AND NOT EXISTS (SELECT 1 FROM patch_executions e WHERE e.patch_id = p.id AND e.state IN ('started', 'prepared'))
      LIMIT $1`,
    [recoverBatch.size],
  );
  for (const p of stuck) await settlePatchStatus(db, p.id);
  return { retry };
};
