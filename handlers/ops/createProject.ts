import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { projectJson, projectName, withUniqueName } from './project-store';

/**
 * Any member of the organisation may create a project (Bytebase's workspace members may too). A
 * console user becomes its owner through a member row, so the project stays theirs whatever their
 * organisation role later; a key's project has no member (organisation owners and admins run it).
 */
export const createProject: Handler<'createProject'> = async (ctx, req) => {
  const p = ctx.principal;
  if (p.projectId !== null) throw new ApiError('FORBIDDEN', 'An API key bound to a project cannot create projects');
  const name = projectName(req.body.name);
  const description = req.body.description ?? '';
  const userId = p.kind === 'user' ? p.userId : null;
  const body = await withUniqueName(() =>
    withTransaction(ctx.db, async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        'INSERT INTO projects (org_id, name, description, created_by) VALUES ($1, $2, $3, $4) RETURNING id',
        [p.orgId, name, description, userId],
      );
      const id = rows[0].id;
      if (userId) {
        await tx.query(`INSERT INTO project_members (org_id, project_id, user_id, role, added_by) VALUES ($1, $2, $3, 'owner', $3)`, [p.orgId, id, userId]);
      }
      await recordAudit(tx, ctx, { orgId: p.orgId, action: 'project.created', targetType: 'project', targetId: id, metadata: { name, description } });
      return (await projectJson(tx, p.orgId, id))!;
    }),
  );
  return { status: 201, body };
};
