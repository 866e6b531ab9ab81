// Execute: one target transaction, and the two-commit protocol with the API's database.
//   1. API: an execution row, 'started' (at most one live execute per patch: a unique index).
//   2. Target: BEGIN; the statement (capped at max_rows + 1 rows); the guards. A guard or an error
//      → ROLLBACK, the execution 'aborted', nothing changed.
//   3. API: the before/after images and the target's txid COMMITTED ('prepared').
//   4. Target: COMMIT.
//   5. API: 'committed'.
// A crash before 3 leaves nothing on the target (its transaction dies with the session); a crash
// between 3 and 5 leaves a 'prepared' execution that reconcile.ts decides from the target.
import type pg from 'pg';
import { decideExecution, prepareExecution, startExecution, type ChangeRow } from './change-store';
import { contentHash } from './content-hash';
import { PatchRunError } from './errors';
import type { CanonicalPatch } from './patch-spec';
import { buildPatchStatement } from './statement';
import { mapTargetError } from './target-errors';
import { checkPatchAgainstTable, describeTable } from './target-table';
import { commitTarget } from './target-commit';
import { beginPatchTransaction, rollbackQuietly } from './target-session';

export interface ExecuteOptions {
  orgId: string;
  patchId: string;
  runId?: string | null;
  /** Test seams (crash tests stop the process at each step); never set in production. */
  hooks?: ExecuteHooks;
}

export interface ExecuteHooks {
  /** The statement ran and passed the guards; nothing is committed anywhere yet. */
  afterStatement?: () => Promise<void>;
  /** The images are committed to the API; the target is not (the in-doubt window). */
  beforeTargetCommit?: () => Promise<void>;
  /** The target committed; the API does not know yet. */
  afterTargetCommit?: () => Promise<void>;
}

export interface ExecuteResult {
  execution_id: string;
  affected_rows: number;
  content_hash: string;
}

/** The statement and guards inside an open target transaction; returns the images. */
async function runGuarded(target: pg.Client, patch: CanonicalPatch): Promise<ChangeRow[]> {
  const table = await describeTable(target, patch.table);
  await checkPatchAgainstTable(target, patch, table);
  const stmt = buildPatchStatement(patch, table, { limit: patch.maxRows + 1 });
  const rows = (await target.query<ChangeRow>(stmt.text, stmt.values)).rows;
  const n = rows.length;
  if (n > patch.maxRows)
    throw new PatchRunError('ROW_COUNT_GUARD', 'the patch would change more rows than max_rows; nothing was changed', {
      max_rows: patch.maxRows,
      affected_rows_at_least: n,
    });
  if (patch.expectedRows !== null && n !== patch.expectedRows)
    throw new PatchRunError('ROW_COUNT_GUARD', 'the patch would change a different number of rows than expected_rows; nothing was changed', {
      expected_rows: patch.expectedRows,
      affected_rows: n,
    });
  return rows;
}

export async function executePatch(target: pg.Client, api: pg.Pool, patch: CanonicalPatch, opts: ExecuteOptions): Promise<ExecuteResult> {
  const hash = contentHash(patch);
  const executionId = await startExecution(api, { orgId: opts.orgId, patchId: opts.patchId, runId: opts.runId ?? null, kind: 'execute', contentHash: hash });

  // Steps 2–3: any failure here leaves the target unchanged.
  let changes: ChangeRow[];
  try {
    const sessionSettings = await beginPatchTransaction(target);
    const txid = (await target.query<{ txid: string }>('SELECT txid_current()::text AS txid')).rows[0].txid;
    changes = await runGuarded(target, patch);
    await opts.hooks?.afterStatement?.();
    if (!(await prepareExecution(api, executionId, txid, changes, { sessionSettings })))
      throw new PatchRunError('EXECUTION_ABORTED', 'the execution was decided aborted while it ran; nothing was changed');
  } catch (err) {
    await rollbackQuietly(target);
    const failure = mapTargetError(err);
    await decideExecution(api, executionId, 'aborted', 'error', { code: failure.code, details: failure.details }).catch(() => undefined);
    throw failure;
  }

  // Step 4: the images are safe; from here a failure without the server's answer is in doubt.
  await commitTarget(api, target, executionId, opts.hooks);
  return { execution_id: executionId, affected_rows: changes.length, content_hash: hash };
}
