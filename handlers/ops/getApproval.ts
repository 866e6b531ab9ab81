import type { Handler } from '../../src/handler';
import { approvalJson, findApproval } from './approvals/approval-store';
import { requireProjectPermission } from './permissions';

export const getApproval: Handler<'getApproval'> = async (ctx, req) => {
  const row = await findApproval(ctx.db, ctx.principal, req.params.id);
  await requireProjectPermission(ctx.db, ctx.principal, row.project_id, 'approvals.read');
  return { status: 200, body: await approvalJson(ctx.db, ctx.principal.orgId, row.id) };
};
