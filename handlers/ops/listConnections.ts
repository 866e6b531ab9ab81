import { byTime, fetchRows } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { CONNECTION_COLUMNS, connectionJson, type ConnectionListRow } from './connection-row';
import { reachableConnections } from './connection-store';

export const listConnections: Handler<'listConnections'> = async (ctx, req) => {
  const { limit = 50, offset = 0, project_id, environment } = req.query;
  const list = {
    from: 'connections',
    columns: CONNECTION_COLUMNS,
    where: [
      sql`org_id = ${ctx.principal.orgId}`,
      reachableConnections(ctx.principal),
      project_id !== undefined && sql`project_id = ${project_id}`,
      environment !== undefined && sql`environment = ${environment}`,
    ],
    order: byTime('created_at', true),
  };
  const { items, ...page } = await fetchRows<ConnectionListRow>(ctx.db, list, { limit, offset });
  return { status: 200, body: { items: items.map(connectionJson), ...page } };
};
