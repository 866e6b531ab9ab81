// The second commit of the two-commit protocol, shared by execute and rollback: the images are
// already committed to the API's database; now the target commits, then the API records it.
// A COMMIT the server refused is decided (aborted); one that got no answer is in doubt, and
// reconcile decides it from the target's transaction status or the rows.
import type pg from 'pg';
import { decideExecution } from './change-store';
import { PatchRunError } from './errors';
import type { ExecuteHooks } from './execute';
import { mapTargetError, serverAnswered } from './target-errors';
import { rollbackQuietly } from './target-session';

export async function commitTarget(api: pg.Pool, target: pg.Client, executionId: string, hooks?: ExecuteHooks): Promise<void> {
  try {
    await hooks?.beforeTargetCommit?.();
    await target.query('COMMIT');
  } catch (err) {
    if (serverAnswered(err)) {
      // The server refused the COMMIT (it rolled back): decided.
      await rollbackQuietly(target);
      const failure = mapTargetError(err);
      await decideExecution(api, executionId, 'aborted', 'commit', { code: failure.code, details: failure.details });
      throw failure;
    }
    throw new PatchRunError('IN_DOUBT', 'the target commit did not answer; reconcile decides', { execution_id: executionId });
  }
  await hooks?.afterTargetCommit?.();
  await decideExecution(api, executionId, 'committed', 'commit');
}
