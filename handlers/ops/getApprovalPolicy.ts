import type { Handler } from '../../src/handler';
import { loadPolicy } from './approvals/policy';
import { requireProjectPermission } from './permissions';

export const getApprovalPolicy: Handler<'getApprovalPolicy'> = async (ctx, req) => {
  await requireProjectPermission(ctx.db, ctx.principal, req.params.project_id, 'approvals.read');
  return { status: 200, body: await loadPolicy(ctx.db, ctx.principal.orgId, req.params.project_id) };
};
