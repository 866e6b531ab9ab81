import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { ApiError, notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { requireProjectPermission } from './permissions';
import { PROJECT_DELETE_GUARDS } from './project-delete-guards';

/**
 * Deletes the project and, by cascade, everything in it. The row lock is taken before the guards
 * count: a run inserted concurrently must lock the project row for its foreign key (FOR KEY
 * SHARE), so it either committed before (and is counted) or waits and then fails its key.
 */
export const deleteProject: Handler<'deleteProject'> = async (ctx, req) => {
  const p = ctx.principal;
  const id = req.params.project_id;
  await withTransaction(ctx.db, async (tx) => {
    await requireProjectPermission(tx, p, id, 'project.delete');
    const { rows } = await tx.query<{ name: string }>('SELECT name FROM projects WHERE org_id = $1 AND id = $2 FOR UPDATE', [p.orgId, id]);
    if (!rows[0]) throw notFound('Project'); // deleted meanwhile
    const blocking: string[] = [];
    for (const guard of PROJECT_DELETE_GUARDS) {
      const { rows: counted } = await tx.query<{ n: number }>(guard.sql, [id]);
      if (counted[0].n > 0) blocking.push(`${counted[0].n} ${guard.what}`);
    }
    if (blocking.length) throw new ApiError('CONFLICT', `The project still has ${blocking.join(' and ')}: cancel or wait for them, then delete it`);
    await tx.query('DELETE FROM projects WHERE org_id = $1 AND id = $2', [p.orgId, id]);
    await recordAudit(tx, ctx, { orgId: p.orgId, action: 'project.deleted', targetType: 'project', targetId: id, metadata: { name: rows[0].name } });
  });
  return { status: 204, body: undefined };
};
