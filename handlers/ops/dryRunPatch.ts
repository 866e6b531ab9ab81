import { actorOf } from '../../src/auth/principal';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { idempotently, requestHash } from '../../src/runs/idempotency';
import { enqueueRun } from '../../src/runs/store';
import { findPatch, RUN_STATUSES } from './patches/patch-store';
import { requireProjectPermission } from './permissions';
import { findRun, runLocation, type RunJson } from './runs/run-store';

/** Queues a `patch.dry_run` run (handlers/ops/patches/run-dry-run.ts); nothing waits on the target. */
export const dryRunPatch: Handler<'dryRunPatch'> = async (ctx, req) => {
  const { principal } = ctx;
  const patch = await findPatch(ctx.db, principal, req.params.id);
  await requireProjectPermission(ctx.db, principal, patch.project_id, 'patches.write');
  const answer = await withTransaction(ctx.db, (tx) =>
    idempotently(
      tx,
      { principal, key: req.headers['Idempotency-Key'], operationId: 'dryRunPatch', hash: requestHash('dryRunPatch', { params: req.params, body: null }) },
      async () => {
        const locked = await findPatch(tx, principal, patch.id, { forUpdate: true });
        if (RUN_STATUSES.includes(locked.status)) throw new ApiError('CONFLICT', `The patch is ${locked.status}: a dry-run no longer tells anything`);
        const runId = await enqueueRun(tx, {
          orgId: principal.orgId,
          projectId: locked.project_id,
          kind: 'patch.dry_run',
          subjectType: 'patch',
          subjectId: locked.id,
          params: { content_hash: locked.content_hash },
          actor: actorOf(principal),
        });
        return { status: 202, body: (await findRun(tx, principal, runId)).json, runId };
      },
    ),
  );
  const body = answer.body as RunJson;
  return {
    status: 202,
    body,
    headers: { Location: runLocation(body.id), ...(answer.replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
  };
};
