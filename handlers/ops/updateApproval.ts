import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { approvalJson, findApproval, publishApprovalEvent, type ApprovalJson } from './approvals/approval-store';
import { projectRoleOf } from './permissions';

/**
 * A person's decision. Session only (the spec's security): no key approves. Some refusals change
 * the request first (expired, superseded): that change commits, then the 409 is answered.
 */
export const updateApproval: Handler<'updateApproval'> = async (ctx, req) => {
  const p = ctx.principal;
  // The spec admits sessions only; the type does not know it.
  if (p.kind !== 'user') throw new ApiError('UNAUTHORIZED', 'Deciding an approval takes a console session');
  const { decision, comment } = req.body;
  const outcome = await withTransaction(ctx.db, async (tx): Promise<{ body: ApprovalJson } | { conflict: string }> => {
    // Lock order: the subject, then the request — as the gate (its caller locks the subject) and updatePatch do.
    const seen = await findApproval(tx, p, req.params.id);
    const subject = await tx.query<{ content_hash: string }>(
      'SELECT content_hash FROM patches WHERE org_id = $1 AND id = $2 FOR UPDATE', [p.orgId, seen.subject_id]);
    const a = await findApproval(tx, p, req.params.id, { forUpdate: true });

    const role = await projectRoleOf(tx, p, a.project_id);
    if (role === null) throw new ApiError('NOT_FOUND', 'Approval request not found');
    if (await isRequester(tx, a, p.userId)) throw new ApiError('FORBIDDEN', 'You requested this approval: someone else must decide it');
    if (!a.approver_roles.includes(role)) {
      throw new ApiError('FORBIDDEN', `Your project role (${role}) cannot decide this request; it needs one of: ${a.approver_roles.join(', ')}`);
    }
    if (a.status !== 'pending') return { conflict: `This approval request is ${a.status}: it takes no more decisions` };
    const mine = await tx.query('SELECT 1 FROM approval_decisions WHERE request_id = $1 AND user_id = $2', [a.id, p.userId]);
    if (mine.rowCount) return { conflict: 'You already decided this approval request' };
    if (a.expired) {
      await tx.query(`UPDATE approval_requests SET status = 'expired' WHERE id = $1`, [a.id]);
      return { conflict: 'This approval request expired; the next attempt opens a new one' };
    }
    if (subject.rows[0]?.content_hash !== a.subject_hash) {
      await tx.query(`UPDATE approval_requests SET status = 'superseded' WHERE id = $1`, [a.id]);
      return { conflict: `The ${a.subject_type} changed since this request was opened: it is superseded` };
    }

    await tx.query('INSERT INTO approval_decisions (org_id, request_id, user_id, decision, comment) VALUES ($1, $2, $3, $4, $5)',
      [a.org_id, a.id, p.userId, decision, comment ?? null]);
    const { rows } = await tx.query<{ status: string }>(
      `UPDATE approval_requests r SET
         status = CASE WHEN $2 = 'reject' THEN 'rejected'
                       WHEN (SELECT count(*) FROM approval_decisions d WHERE d.request_id = r.id AND d.decision = 'approve') >= r.required_approvals THEN 'approved'
                       ELSE 'pending' END,
         decided_at = CASE WHEN $2 = 'reject' THEN now()
                           WHEN (SELECT count(*) FROM approval_decisions d WHERE d.request_id = r.id AND d.decision = 'approve') >= r.required_approvals THEN now() END
       WHERE id = $1 RETURNING status`,
      [a.id, decision],
    );
    const status = rows[0].status;
    // An execute's patch follows its request; a rollback's patch stays `executed`.
    if (a.action === 'patch.execute' && status !== 'pending') {
      await tx.query(
        `UPDATE patches SET status = $3 WHERE org_id = $1 AND id = $2 AND status IN ('draft', 'ready', 'pending_approval', 'approved')`,
        [a.org_id, a.subject_id, status === 'approved' ? 'approved' : 'draft'],
      );
    }
    await publishApprovalEvent(tx, a, 'approval.decided');
    await recordAudit(tx, ctx, {
      orgId: a.org_id,
      action: 'approval.decided',
      targetType: 'approval',
      targetId: a.id,
      metadata: { project_id: a.project_id, decision, status, subject_type: a.subject_type, subject_id: a.subject_id, subject_hash: a.subject_hash },
    });
    return { body: await approvalJson(tx, a.org_id, a.id) };
  });
  if ('conflict' in outcome) throw new ApiError('CONFLICT', outcome.conflict);
  return { status: 200, body: outcome.body };
};

/** The requester — or, for a request made with an API key, the person who created that key (separation of duties). */
async function isRequester(tx: Parameters<typeof projectRoleOf>[0], a: { requested_by_type: string; requested_by_id: string | null }, userId: string): Promise<boolean> {
  if (a.requested_by_id === null) return false;
  if (a.requested_by_type === 'user') return a.requested_by_id === userId;
  const { rows } = await tx.query<{ created_by: string | null }>('SELECT created_by FROM api_keys WHERE id = $1', [a.requested_by_id]);
  return rows[0]?.created_by === userId;
}
