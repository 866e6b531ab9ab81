import type { components } from '../../generated/openapi-types';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { startPatchRun } from './patches/start-patch-run';
import { activeRunsOn } from './runs/run-store';

/** Queues a `patch.rollback` run (handlers/ops/patches/run-rollback.ts) of an executed patch. */
export const rollbackPatch: Handler<'rollbackPatch'> = (ctx, req) => {
  // The body is optional (none is a careful, real rollback); the generated request type only
  // knows required bodies, so it is typed here from the schema.
  const body = (req.body ?? {}) as components['schemas']['PatchRollbackRequest'];
  const force = body.force === true;
  const dryRun = body.dry_run === true;
  return startPatchRun(ctx, {
    operationId: 'rollbackPatch',
    kind: 'patch.rollback',
    patchId: req.params.id,
    idempotencyKey: req.headers['Idempotency-Key'],
    body: { force, dry_run: dryRun },
    // A dry-run changes nothing: no approval.
    action: dryRun ? null : 'patch.rollback',
    async check(tx, patch) {
      if (patch.status !== 'executed') throw new ApiError('CONFLICT', `Only an executed patch can be rolled back; this one is ${patch.status}`);
      if ((await activeRunsOn(tx, patch.org_id, 'patch', patch.id)) > 0)
        throw new ApiError('CONFLICT', 'Another run of this patch is queued or running; wait for it to finish');
      const { rows } = await tx.query<{ id: string; affected_rows: number | null }>(
        `SELECT id, affected_rows FROM patch_executions WHERE patch_id = $1 AND kind = 'execute' AND state = 'committed'`,
        [patch.id],
      );
      if (!rows[0]) throw new ApiError('CONFLICT', 'The patch has no committed execution to roll back');
      return {
        affectedRows: rows[0].affected_rows,
        params: { execution_id: rows[0].id, content_hash: patch.content_hash, force, dry_run: dryRun },
      };
    },
  });
};
