import { byTime, fetchRows } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { reachableConnections } from './connection-store';
import { PATCH_COLUMNS, patchJson, type PatchRow } from './patches/patch-json';

export const listPatches: Handler<'listPatches'> = async (ctx, req) => {
  const { limit = 50, offset = 0, project_id, connection_id, status } = req.query;
  const list = {
    from: 'patches',
    columns: PATCH_COLUMNS,
    where: [
      sql`org_id = ${ctx.principal.orgId}`,
      // The same reach as connections: a patch is in its connection's project.
      reachableConnections(ctx.principal),
      project_id !== undefined && sql`project_id = ${project_id}`,
      connection_id !== undefined && sql`connection_id = ${connection_id}`,
      status !== undefined && sql`status = ${status}`,
    ],
    order: byTime('created_at', true),
  };
  const { items, ...page } = await fetchRows<PatchRow>(ctx.db, list, { limit, offset });
  return { status: 200, body: { items: items.map(patchJson), ...page } };
};
