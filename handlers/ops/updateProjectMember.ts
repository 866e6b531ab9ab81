import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import type { Handler } from '../../src/handler';
import { beginMemberChange, checkOwnerChange, currentRole, keepAnOwner } from './member-rules';
import { memberJson } from './project-store';

export const updateProjectMember: Handler<'updateProjectMember'> = async (ctx, req) => {
  const p = ctx.principal;
  const { project_id: projectId, user_id: userId } = req.params;
  const { role } = req.body;
  const body = await withTransaction(ctx.db, async (tx) => {
    const callerRole = await beginMemberChange(tx, p, projectId);
    const previous = await currentRole(tx, projectId, userId);
    checkOwnerChange(callerRole, previous, role);
    if (previous !== role) {
      await keepAnOwner(tx, projectId, previous, role);
      await tx.query('UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2', [projectId, userId, role]);
      await recordAudit(tx, ctx, {
        orgId: p.orgId, action: 'project.member_updated', targetType: 'project', targetId: projectId,
        metadata: { user_id: userId, role, previous_role: previous },
      });
    }
    return (await memberJson(tx, projectId, userId))!;
  });
  return { status: 200, body };
};
