import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { RUN_STATUSES } from './patches/patch-store';
import { startPatchRun } from './patches/start-patch-run';

/** How recent the dry-run of the patch's current content must be (design §4). */
export const DRY_RUN_MAX_AGE_MINUTES = 15;

const precondition = (message: string, loc: string[], type: string) =>
  new ApiError('PRECONDITION_FAILED', message, { details: [{ loc, msg: message, type }] });

/** Queues a `patch.execute` run (handlers/ops/patches/run-execute.ts) once its preconditions and approvals hold. */
export const executePatch: Handler<'executePatch'> = (ctx, req) =>
  startPatchRun(ctx, {
    operationId: 'executePatch',
    kind: 'patch.execute',
    patchId: req.params.id,
    idempotencyKey: req.headers['Idempotency-Key'],
    body: null,
    action: 'patch.execute',
    async check(tx, patch) {
      if (RUN_STATUSES.includes(patch.status)) throw new ApiError('CONFLICT', `The patch is ${patch.status}: a patch is executed at most once`);
      const dry = patch.last_dry_run;
      if (!dry) throw precondition('The patch has no dry-run; dry-run it first', ['last_dry_run'], 'missing');
      if (dry.content_hash !== patch.content_hash)
        throw precondition('The last dry-run ran another content of the patch (it changed since); dry-run it again', ['last_dry_run', 'content_hash'], 'stale_content');
      const { rows } = await tx.query<{ stale: boolean }>(`SELECT $1::timestamptz < now() - make_interval(mins => $2) AS stale`, [dry.at, DRY_RUN_MAX_AGE_MINUTES]);
      if (rows[0].stale)
        throw precondition(`The last dry-run is more than ${DRY_RUN_MAX_AGE_MINUTES} minutes old; dry-run it again`, ['last_dry_run', 'at'], 'expired');
      return { affectedRows: dry.affected_rows, params: { content_hash: patch.content_hash } };
    },
    async onQueued(tx, patch) {
      await tx.query(`UPDATE patches SET status = 'executing' WHERE id = $1`, [patch.id]);
    },
  });
