import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import type { Handler } from '../../src/handler';
import { beginMemberChange, checkOwnerChange, currentRole, keepAnOwner } from './member-rules';

/** Takes the project role away; the user stays in the organisation. */
export const removeProjectMember: Handler<'removeProjectMember'> = async (ctx, req) => {
  const p = ctx.principal;
  const { project_id: projectId, user_id: userId } = req.params;
  await withTransaction(ctx.db, async (tx) => {
    const callerRole = await beginMemberChange(tx, p, projectId);
    const previous = await currentRole(tx, projectId, userId);
    checkOwnerChange(callerRole, previous);
    await keepAnOwner(tx, projectId, previous, null);
    await tx.query('DELETE FROM project_members WHERE project_id = $1 AND user_id = $2', [projectId, userId]);
    await recordAudit(tx, ctx, { orgId: p.orgId, action: 'project.member_removed', targetType: 'project', targetId: projectId, metadata: { user_id: userId, role: previous } });
  });
  return { status: 204, body: undefined };
};
