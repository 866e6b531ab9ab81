// The `patch.dry_run` run: the patch's real statement on the target, rolled back (engine
// dryRunPatch). Its count and samples become the run's result and the patch's `last_dry_run`.
// Target refusals fail the run with the engine's stable code; their safe details (a constraint or
// column name, the SQLSTATE, counts) go to the run's event log, never the server's text.
import { RunFailure, type RunExecutor } from '../../../src/module';
import { dryRunPatch, loadPatch, PatchRunError, type DryRunResult, type StoredPatch } from './engine';

export async function storedPatch(rc: Parameters<RunExecutor>[0]): Promise<StoredPatch> {
  try {
    const stored = await loadPatch(rc.db, rc.run.subjectId);
    if (stored.orgId !== rc.run.orgId) throw new PatchRunError('PATCH_NOT_FOUND', 'no such patch');
    return stored;
  } catch (err) {
    if (err instanceof PatchRunError) throw new RunFailure(err.code, err.code === 'PATCH_NOT_FOUND' ? 'The patch no longer exists.' : 'The stored patch does not match its content hash.');
    throw err;
  }
}

export const patchDryRun: RunExecutor = async (rc) => {
  if (rc.run.subjectType !== 'patch') throw new RunFailure('INVALID_SUBJECT', 'A patch.dry_run run works on a patch.');
  const stored = await storedPatch(rc);
  let result: DryRunResult;
  try {
    const target = await rc.connectTarget(stored.patch.connectionId);
    await rc.progress({ phase: 'dry_run', done: 0, total: 1, unit: 'statements' });
    result = await dryRunPatch(target, stored.patch);
  } catch (err) {
    // A cancel stops the target statement too: that is the runtime's cancellation, not a failure.
    await rc.throwIfCancelled();
    if (err instanceof PatchRunError) {
      await rc.event('error', `Dry-run refused: ${err.code}`, { code: err.code, ...err.details });
      throw new RunFailure(err.code, err.message);
    }
    throw err;
  }
  await rc.progress({ phase: 'dry_run', done: 1, total: 1, unit: 'statements' });
  const lastDryRun = {
    run_id: rc.run.id,
    content_hash: result.content_hash,
    affected_rows: result.affected_rows,
    samples: result.sample,
  };
  // Recorded on the patch only while it still has the content that ran (an edit since makes it moot).
  const { rowCount } = await rc.db.query(
    `UPDATE patches SET last_dry_run = $3::jsonb || jsonb_build_object('at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      WHERE id = $1 AND org_id = $2 AND content_hash = $4`,
    [stored.id, rc.run.orgId, JSON.stringify(lastDryRun), result.content_hash],
  );
  if (rowCount === 0) await rc.event('warning', 'The patch changed during the dry-run; its last_dry_run is left as it was', { content_hash: result.content_hash });
  await rc.event('info', 'Dry-run rolled back', { affected_rows: result.affected_rows, within_max_rows: result.within_max_rows, matches_expected: result.matches_expected });
  return {
    patch_id: stored.id,
    content_hash: result.content_hash,
    affected_rows: result.affected_rows,
    max_rows: result.max_rows,
    expected_rows: result.expected_rows,
    within_max_rows: result.within_max_rows,
    matches_expected: result.matches_expected,
    key: result.key,
    samples: result.sample,
  };
};
