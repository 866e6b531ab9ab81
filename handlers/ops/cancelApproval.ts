import { recordAudit } from '../../src/audit';
import type { Principal } from '../../src/auth/principal';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { approvalJson, findApproval, type ApprovalJson, type ApprovalRow } from './approvals/approval-store';
import { projectRoleOf, ROLE_PERMISSIONS } from './permissions';

/** The very credential that opened the request: the same person's session, or the same API key. */
// Narrower than updateApproval's requester test (which also counts a key's creator, to keep the
// decider apart): withdrawing is for the credential that asked.
const openedBy = (p: Principal, a: ApprovalRow) =>
  (p.kind === 'user' && a.requested_by_type === 'user' && a.requested_by_id === p.userId) ||
  (p.kind === 'api_key' && a.requested_by_type === 'api_key' && a.requested_by_id === p.keyId);

/**
 * The requester withdraws a pending request, or a project admin clears it away. Cancelled is not a
 * decision: no approval.decided event; the next attempt at the action opens a new request.
 */
export const cancelApproval: Handler<'cancelApproval'> = async (ctx, req) => {
  const p = ctx.principal;
  const outcome = await withTransaction(ctx.db, async (tx): Promise<{ body: ApprovalJson } | { conflict: string }> => {
    // Lock order: the subject, then the request — as updateApproval and the gate do.
    const seen = await findApproval(tx, p, req.params.id);
    await tx.query('SELECT 1 FROM patches WHERE org_id = $1 AND id = $2 FOR UPDATE', [p.orgId, seen.subject_id]);
    const a = await findApproval(tx, p, req.params.id, { forUpdate: true });

    if (!openedBy(p, a)) {
      const role = p.kind === 'user' ? await projectRoleOf(tx, p, a.project_id) : null;
      if (role === null || !ROLE_PERMISSIONS[role].includes('approvals.manage')) {
        throw new ApiError('FORBIDDEN', 'Only the requester, or a project admin or owner with a session, may cancel this approval request');
      }
    }
    if (a.status !== 'pending') return { conflict: `This approval request is ${a.status}: only a pending one can be cancelled` };

    await tx.query(`UPDATE approval_requests SET status = 'cancelled', decided_at = now() WHERE id = $1`, [a.id]);
    // An execute's patch waited on this request; a rollback's stays `executed`.
    if (a.action === 'patch.execute') {
      await tx.query(`UPDATE patches SET status = 'draft' WHERE org_id = $1 AND id = $2 AND status = 'pending_approval'`, [a.org_id, a.subject_id]);
    }
    await recordAudit(tx, ctx, {
      orgId: a.org_id,
      action: 'approval.cancelled',
      targetType: 'approval',
      targetId: a.id,
      metadata: { project_id: a.project_id, action: a.action, subject_type: a.subject_type, subject_id: a.subject_id, subject_hash: a.subject_hash },
    });
    return { body: await approvalJson(tx, a.org_id, a.id) };
  });
  if ('conflict' in outcome) throw new ApiError('CONFLICT', outcome.conflict);
  return { status: 200, body: outcome.body };
};
