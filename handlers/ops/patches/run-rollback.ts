// The `patch.rollback` run: the engine's rollbackExecution of the patch's committed execution
// (restore rows still equal to their after-image; others are conflicts unless `force`), or its
// dry-run. A real rollback re-checks its approval first; then the patch's status follows the
// executions (`rolled_back` when the rollback committed with no conflict, or forced).
import { RunFailure, type RunContext, type RunExecutor } from '../../../src/module';
import { stillApproved } from '../approvals/gate';
import { rollbackExecution, type RollbackResult } from './engine';
import { gateSubjectOf, settlePatchStatus } from './patch-status';
import { patchFailure, patchRunTestSeams } from './run-execute';

interface RollbackParams {
  execution_id: string;
  force?: boolean;
  dry_run?: boolean;
  approval_id?: string | null;
  content_hash?: string;
}

async function rollback(rc: RunContext, p: RollbackParams): Promise<RollbackResult> {
  const patch = (await rc.db.query<{ connection_id: string; content_hash: string; affected_rows: number | null }>(
    `SELECT p.connection_id, p.content_hash, e.affected_rows FROM patches p JOIN patch_executions e ON e.patch_id = p.id
      WHERE p.id = $1 AND p.org_id = $2 AND e.id = $3`,
    [rc.run.subjectId, rc.run.orgId, p.execution_id],
  )).rows[0];
  if (!patch) throw new RunFailure('PATCH_NOT_FOUND', 'The patch or its execution no longer exists.');
  if (!p.dry_run) {
    const subject = await gateSubjectOf(rc.db, rc.run.subjectId, 'patch.rollback', patch.affected_rows);
    if (!(await stillApproved(rc.db, subject, p.approval_id ?? null))) {
      await rc.event('error', 'The approval no longer holds (expired, superseded or withdrawn); nothing ran', { approval_id: p.approval_id ?? null });
      throw new RunFailure('APPROVAL_REQUIRED', 'The rollback is no longer approved; nothing ran.');
    }
  }
  const target = await rc.connectTarget(patch.connection_id);
  await rc.progress({ phase: p.dry_run ? 'rollback_dry_run' : 'rollback', done: 0, total: 1, unit: 'statements' });
  let result: RollbackResult;
  try {
    result = await rollbackExecution(target, rc.db, p.execution_id, { runId: rc.run.id, force: p.force === true, dryRun: p.dry_run === true, hooks: patchRunTestSeams.hooks });
  } catch (err) {
    return patchFailure(rc, err, 'Rollback');
  }
  await rc.progress({ phase: p.dry_run ? 'rollback_dry_run' : 'rollback', done: 1, total: 1, unit: 'statements' });
  await rc.event(result.conflict_count > 0 ? 'warning' : 'info', p.dry_run ? 'Rollback dry-run rolled back' : 'Rollback committed', {
    restored: result.restored, reinserted: result.reinserted, already_restored: result.already_restored, conflict_count: result.conflict_count, forced: result.forced,
  });
  return result;
}

export const patchRollback: RunExecutor = async (rc) => {
  if (rc.run.subjectType !== 'patch') throw new RunFailure('INVALID_SUBJECT', 'A patch.rollback run works on a patch.');
  const p = rc.run.params as unknown as RollbackParams;
  try {
    return { ...(await rollback(rc, p)) };
  } finally {
    if (!p.dry_run) await settlePatchStatus(rc.db, rc.run.subjectId).catch((err) => rc.log.warn({ err }, 'patch status not settled'));
  }
};
