import type { Handler } from '../../src/handler';
import { requireProjectPermission } from './permissions';
import { findRun } from './runs/run-store';

export const getRun: Handler<'getRun'> = async (ctx, req) => {
  const run = await findRun(ctx.db, ctx.principal, req.params.id);
  await requireProjectPermission(ctx.db, ctx.principal, run.projectId, 'runs.read');
  return { status: 200, body: run.json };
};
