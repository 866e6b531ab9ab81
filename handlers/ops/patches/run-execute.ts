// The `patch.execute` run: the engine's executePatch (two-commit protocol) on the run's target.
// Before it, the run re-checks what the request checked and what may have changed while it was
// queued: the patch's content hash (PATCH_CHANGED) and the approval (APPROVAL_REQUIRED). Whatever
// the outcome, the patch's status then follows its execution (patch-status.ts): `executed` when it
// committed, `failed` when it changed nothing (fix, dry-run again, execute), still `executing`
// while in doubt (the target's COMMIT did not answer) until the runs' recoverer decides it.
import { RunFailure, type RunContext, type RunExecutor } from '../../../src/module';
import { stillApproved } from '../approvals/gate';
import { executePatch, PatchRunError, type ExecuteHooks, type ExecuteResult } from './engine';
import { gateSubjectOf, settlePatchStatus } from './patch-status';
import { storedPatch } from './run-dry-run';

/**
 * Test seams only (tests/ops/fixtures/patch-crash-worker.ts stops the worker process at a step of
 * the protocol to SIGKILL it there); never set in production.
 */
export const patchRunTestSeams: { hooks?: ExecuteHooks } = {};

/** A PatchRunError becomes the run's failure; its safe details go to the run's log. */
export async function patchFailure(rc: RunContext, err: unknown, what: string): Promise<never> {
  // A cancel stops the target statement too: that is the runtime's cancellation, not a failure.
  await rc.throwIfCancelled();
  if (err instanceof PatchRunError) {
    await rc.event('error', `${what} refused: ${err.code}`, { code: err.code, ...err.details });
    throw new RunFailure(err.code, err.message);
  }
  throw err;
}

async function execute(rc: RunContext): Promise<ExecuteResult> {
  const params = rc.run.params as { content_hash?: string; approval_id?: string | null };
  const stored = await storedPatch(rc);
  if (stored.contentHash !== params.content_hash) throw new RunFailure('PATCH_CHANGED', 'The patch changed after its execute was requested; nothing ran.');
  const subject = await gateSubjectOf(rc.db, stored.id, 'patch.execute');
  if (!(await stillApproved(rc.db, subject, params.approval_id ?? null))) {
    await rc.event('error', 'The approval no longer holds (expired, superseded or withdrawn); nothing ran', { approval_id: params.approval_id ?? null });
    throw new RunFailure('APPROVAL_REQUIRED', 'The execute is no longer approved; nothing ran.');
  }
  const target = await rc.connectTarget(stored.patch.connectionId);
  await rc.progress({ phase: 'execute', done: 0, total: 1, unit: 'statements' });
  let result: ExecuteResult;
  try {
    result = await executePatch(target, rc.db, stored.patch, { orgId: rc.run.orgId, patchId: stored.id, runId: rc.run.id, hooks: patchRunTestSeams.hooks });
  } catch (err) {
    return patchFailure(rc, err, 'Execute');
  }
  await rc.progress({ phase: 'execute', done: 1, total: 1, unit: 'statements' });
  await rc.event('info', `Executed: ${result.affected_rows} rows changed and committed`, { execution_id: result.execution_id, affected_rows: result.affected_rows });
  return result;
}

export const patchExecute: RunExecutor = async (rc) => {
  if (rc.run.subjectType !== 'patch') throw new RunFailure('INVALID_SUBJECT', 'A patch.execute run works on a patch.');
  try {
    return { ...(await execute(rc)) };
  } finally {
    // On failure too: `failed` (nothing changed) or still `executing` (in doubt). If this fails,
    // the recoverer's periodic pass settles the patch once the run is over.
    await settlePatchStatus(rc.db, rc.run.subjectId).catch((err) => rc.log.warn({ err }, 'patch status not settled'));
  }
};
