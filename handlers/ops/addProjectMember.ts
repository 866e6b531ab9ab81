import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { beginMemberChange, checkOwnerChange } from './member-rules';
import { memberJson } from './project-store';

export const addProjectMember: Handler<'addProjectMember'> = async (ctx, req) => {
  const p = ctx.principal;
  const projectId = req.params.project_id;
  const { user_id: userId, role } = req.body;
  const body = await withTransaction(ctx.db, async (tx) => {
    const callerRole = await beginMemberChange(tx, p, projectId);
    checkOwnerChange(callerRole, role);
    // Same answer for a user of another organisation as for no user at all.
    const { rows: inOrg } = await tx.query('SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2', [p.orgId, userId]);
    if (!inOrg[0]) {
      throw new ApiError('VALIDATION_ERROR', 'user_id is not a member of the organisation', {
        details: [{ loc: ['body', 'user_id'], msg: 'not a member of the organisation', type: 'membership' }],
      });
    }
    const { rowCount } = await tx.query(
      `INSERT INTO project_members (org_id, project_id, user_id, role, added_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, user_id) DO NOTHING`,
      [p.orgId, projectId, userId, role, p.kind === 'user' ? p.userId : null],
    );
    if (!rowCount) {
      throw new ApiError('CONFLICT', 'The user is already a member of the project: change their role instead', {
        details: [{ loc: ['body', 'user_id'], msg: 'already a member of the project', type: 'unique' }],
      });
    }
    await recordAudit(tx, ctx, { orgId: p.orgId, action: 'project.member_added', targetType: 'project', targetId: projectId, metadata: { user_id: userId, role } });
    return (await memberJson(tx, projectId, userId))!;
  });
  return { status: 201, body };
};
