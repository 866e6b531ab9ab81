// Execute: one target transaction, and the two-commit protocol with the API's database.
//   1. API: an execution row, 'started' (at most one live execute per patch: a unique index).
//   2. Target: BEGIN; the statement (capped at max_rows + 1 rows); the guards. A guard or an error
//      → ROLLBACK, the execution 'aborted', nothing changed.
//   3. API: the before/after images and the target's txid COMMITTED ('prepared'). The images are
//      written (COPY, uncommitted) as the statement of step 2 returns them, so this step mostly
//      overlaps step 2; only its COMMIT waits for the guards.
//   4. Target: COMMIT.
//   5. API: 'committed'.
// A crash before 3 leaves nothing on the target (its transaction dies with the session); a crash
// between 3 and 5 leaves a 'prepared' execution that reconcile.ts decides from the target.
import type pg from 'pg';
import { decideExecution, startExecution } from './change-store';
import { contentHash } from './content-hash';
import { PatchRunError } from './errors';
import type { CanonicalPatch } from './patch-spec';
import { ImageWriter } from './image-writer';
import { buildExecuteCopy, buildExecuteStatement } from './statement';
import { mapTargetError } from './target-errors';
import { checkPatchAgainstTable, describeTable, setColumnTypes } from './target-table';
import { commitTarget } from './target-commit';
import { beginPatchTransaction, rollbackQuietly } from './target-session';
import { streamCopyOut, streamRows } from './target-stream';

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

/**
 * The statement and guards inside an open target transaction; each image goes to `images` as it
 * comes. Returns the count. The statement streams (COPY, statement.ts) unless the target defines a
 * cast from text to a set column's type: then bind parameters, rows sent once all have changed.
 */
async function runGuarded(target: pg.Client, patch: CanonicalPatch, images: ImageWriter): Promise<number> {
  const table = await describeTable(target, patch.table);
  await checkPatchAgainstTable(target, patch, table);
  const { types, userCastFromText } = await setColumnTypes(target, patch, table);
  let n: number;
  if (userCastFromText) {
    const stmt = buildExecuteStatement(patch, table, patch.maxRows + 1);
    n = await streamRows(target, stmt, ([pk, before, after]) => images.add(pk!, before, after));
  } else {
    const copy = buildExecuteCopy(patch, table, patch.maxRows + 1, types);
    await target.query(
      `SELECT ${copy.settings.map((_, i) => `pg_catalog.set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
      copy.settings.flat(),
    );
    await streamCopyOut(target, copy.text, (chunk) => images.addCopyChunk(chunk), (resume) => images.onDrain(resume));
    n = images.count;
  }
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
  return n;
}

export async function executePatch(target: pg.Client, api: pg.Pool, patch: CanonicalPatch, opts: ExecuteOptions): Promise<ExecuteResult> {
  const hash = contentHash(patch);
  const executionId = await startExecution(api, { orgId: opts.orgId, patchId: opts.patchId, runId: opts.runId ?? null, kind: 'execute', contentHash: hash });

  // Steps 2–3: any failure here leaves the target unchanged, and the API without images.
  let affected: number;
  let images: ImageWriter | undefined;
  try {
    const sessionSettings = await beginPatchTransaction(target);
    const txid = (await target.query<{ txid: string }>('SELECT txid_current()::text AS txid')).rows[0].txid;
    images = await ImageWriter.open(api, executionId);
    affected = await runGuarded(target, patch, images);
    await opts.hooks?.afterStatement?.();
    const prepared = await images.commit(txid, { sessionSettings });
    images = undefined;
    if (!prepared) throw new PatchRunError('EXECUTION_ABORTED', 'the execution was decided aborted while it ran; nothing was changed');
  } catch (err) {
    await images?.abort();
    await rollbackQuietly(target);
    const failure = mapTargetError(err);
    await decideExecution(api, executionId, 'aborted', 'error', { code: failure.code, details: failure.details }).catch(() => undefined);
    throw failure;
  }

  // Step 4: the images are safe; from here a failure without the server's answer is in doubt.
  await commitTarget(api, target, executionId, opts.hooks);
  return { execution_id: executionId, affected_rows: affected, content_hash: hash };
}
