// The latest schema snapshot of a connection (written by the `introspect` run). Reads only our
// own database: a slow or hostile target can never make this request slow or fail.
import type { components } from '../../generated/openapi-types';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { reachableProjects, requireProjectPermission } from './permissions';

type Snapshot = components['schemas']['ConnectionSchemaSnapshot'];

export const getConnectionSchema: Handler<'getConnectionSchema'> = async (ctx, req) => {
  const reach = reachableProjects(ctx.principal, 'c.project_id', 3);
  const { rows } = await ctx.db.query<{ project_id: string; snapshot_id: string | null } & Omit<Snapshot, 'snapshot_id' | 'created_at'> & { created_at: Date }>(
    `SELECT c.id AS connection_id, c.project_id, s.id AS snapshot_id, s.run_id, s.fingerprint, s.server_version,
            s.created_at, s.snapshot AS schema
       FROM connections c
       LEFT JOIN LATERAL (SELECT * FROM schema_snapshots s
                           WHERE s.org_id = c.org_id AND s.connection_id = c.id
                           ORDER BY s.created_at DESC, s.id DESC LIMIT 1) s ON true
      WHERE c.org_id = $1 AND c.id = $2 AND ${reach.sql}`,
    [ctx.principal.orgId, req.params.id, ...reach.params],
  );
  if (rows.length === 0) throw new ApiError('NOT_FOUND', 'Connection not found');
  const row = rows[0];
  await requireProjectPermission(ctx.db, ctx.principal, row.project_id, 'connections.read');
  if (row.snapshot_id === null) {
    throw new ApiError('NOT_FOUND', 'This connection has no schema snapshot yet: run an introspection (POST /api/v1/connections/{id}/introspect) first');
  }
  return {
    status: 200,
    body: {
      connection_id: row.connection_id,
      snapshot_id: row.snapshot_id,
      run_id: row.run_id,
      fingerprint: row.fingerprint,
      server_version: row.server_version,
      created_at: row.created_at.toISOString(),
      schema: row.schema,
    },
  };
};
