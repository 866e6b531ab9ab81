import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { findConnection } from './connection-store';
import { requireProjectPermission } from './permissions';
import { activeRunsOn } from './runs/run-store';

export const deleteConnection: Handler<'deleteConnection'> = async (ctx, req) => {
  await withTransaction(ctx.db, async (tx) => {
    const conn = await findConnection(tx, ctx.principal, req.params.id, { forUpdate: true });
    await requireProjectPermission(tx, ctx.principal, conn.project_id, 'connections.write');
    const active = await activeRunsOn(tx, ctx.principal.orgId, 'connection', conn.id);
    if (active > 0) throw new ApiError('CONFLICT', `The connection has ${active} active run(s); cancel them or wait for them to finish first`);
    // Patches reference it with ON DELETE RESTRICT (an executed patch's row images name their target).
    const patches = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM patches WHERE org_id = $1 AND connection_id = $2', [ctx.principal.orgId, conn.id]);
    if (patches.rows[0].n > 0) throw new ApiError('CONFLICT', `The connection has ${patches.rows[0].n} mass patch(es); delete them first (executed ones are kept)`);
    await tx.query('DELETE FROM connections WHERE id = $1', [conn.id]);
    await recordAudit(tx, ctx, {
      orgId: ctx.principal.orgId,
      action: 'connection.deleted',
      targetType: 'connection',
      targetId: conn.id,
      metadata: { project_id: conn.project_id, name: conn.name, host: conn.host },
    });
  });
  return { status: 204, body: undefined };
};
