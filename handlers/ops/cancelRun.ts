import { actorOf } from '../../src/auth/principal';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { appendEvent, requestCancel } from '../../src/runs/store';
import { requireProjectPermission } from './permissions';
import { findRun, runLocation } from './runs/run-store';

export const cancelRun: Handler<'cancelRun'> = async (ctx, req) => {
  const { projectId } = await findRun(ctx.db, ctx.principal, req.params.id);
  await requireProjectPermission(ctx.db, ctx.principal, projectId, 'runs.cancel');
  const json = await withTransaction(ctx.db, async (tx) => {
    const before = await findRun(tx, ctx.principal, req.params.id, { forUpdate: true });
    const status = await requestCancel(tx, req.params.id, ctx.principal.orgId);
    if (status === null) throw new ApiError('CONFLICT', `The run is already ${before.status}; only a queued or running run can be cancelled`);
    if (before.status !== 'cancelling') {
      const actor = actorOf(ctx.principal);
      await appendEvent(tx, req.params.id, 'info', status === 'cancelled' ? 'Cancelled before it started' : 'Cancel requested', { by: { type: actor.type, id: actor.id } });
    }
    return (await findRun(tx, ctx.principal, req.params.id)).json;
  });
  return { status: 202, body: json, headers: { Location: runLocation(json.id) } };
};
