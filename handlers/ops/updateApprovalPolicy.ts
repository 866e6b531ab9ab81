import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import type { Handler } from '../../src/handler';
import { checkRules, loadPolicy, normaliseRule } from './approvals/policy';
import { requireProjectPermission } from './permissions';

/** Replaces the project's rules. Requests already open keep the rule they were opened under. */
export const updateApprovalPolicy: Handler<'updateApprovalPolicy'> = async (ctx, req) => {
  const projectId = req.params.project_id;
  const rules = req.body.rules.map(normaliseRule);
  const body = await withTransaction(ctx.db, async (tx) => {
    await requireProjectPermission(tx, ctx.principal, projectId, 'approvals.manage');
    checkRules(rules);
    const before = await loadPolicy(tx, ctx.principal.orgId, projectId);
    await tx.query(
      `INSERT INTO approval_policies (org_id, project_id, rules, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (org_id, project_id) DO UPDATE SET rules = EXCLUDED.rules, updated_by = EXCLUDED.updated_by`,
      [ctx.principal.orgId, projectId, JSON.stringify(rules), ctx.principal.kind === 'user' ? ctx.principal.userId : null],
    );
    await recordAudit(tx, ctx, {
      orgId: ctx.principal.orgId,
      action: 'approval_policy.updated',
      targetType: 'project',
      targetId: projectId,
      metadata: { rules, previous_rules: before.rules, previous_was_default: before.is_default },
    });
    return loadPolicy(tx, ctx.principal.orgId, projectId);
  });
  return { status: 200, body };
};
