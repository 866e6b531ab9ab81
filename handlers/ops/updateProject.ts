import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { requireProjectPermission } from './permissions';
import { projectJson, projectName, withUniqueName } from './project-store';

export const updateProject: Handler<'updateProject'> = async (ctx, req) => {
  const p = ctx.principal;
  const id = req.params.project_id;
  const name = req.body.name === undefined ? undefined : projectName(req.body.name);
  const { description } = req.body;
  const body = await withUniqueName(() =>
    withTransaction(ctx.db, async (tx) => {
      await requireProjectPermission(tx, p, id, 'project.update');
      const { rows } = await tx.query<{ name: string; description: string }>(
        'SELECT name, description FROM projects WHERE org_id = $1 AND id = $2 FOR UPDATE',
        [p.orgId, id],
      );
      const before = rows[0];
      if (!before) throw notFound('Project'); // deleted meanwhile
      const changed = [name !== undefined && name !== before.name && 'name', description !== undefined && description !== before.description && 'description'].filter(
        (f): f is string => Boolean(f),
      );
      if (changed.length) {
        await tx.query('UPDATE projects SET name = coalesce($3, name), description = coalesce($4, description) WHERE org_id = $1 AND id = $2', [p.orgId, id, name ?? null, description ?? null]);
        await recordAudit(tx, ctx, {
          orgId: p.orgId, action: 'project.updated', targetType: 'project', targetId: id,
          metadata: { changed, name: name ?? before.name, previous_name: before.name },
        });
      }
      return (await projectJson(tx, p.orgId, id))!;
    }),
  );
  return { status: 200, body };
};
