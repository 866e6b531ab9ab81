// The ops demo (`make start` on an empty database): a project "Demo shop" with one connection to a
// small shop database created beside the API's own (target-database.ts), so a newcomer can
// introspect a realistic schema in the first minute:
//   curl -X POST -H "Authorization: Bearer $KEY" $URL/api/v1/connections/<id>/introspect
// The connection's host is loopback, which the target policy allows outside production only
// (DB_TARGETS_ALLOW_LOOPBACK, on by default outside production).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { canonicalizePatch, contentHash } from '../patches/engine';
import { encryptDemoPassword } from './connection-secret';
import { ensureDemoTarget, serverOf } from './target-database';

export const DEMO_PROJECT_NAME = 'Demo shop';
export const DEMO_CONNECTION_NAME = 'Shop database (demo)';
export const DEMO_PATCH_NAME = 'Cancel pending orders';

/** A loopback literal for the connection row: the API's host when it is one, else 127.0.0.1. */
const loopbackHost = (host: string) => (['127.0.0.1', '::1'].includes(host) ? host : '127.0.0.1');

const DESCRIPTION = 'An online shop’s PostgreSQL database, created beside the API’s own for trying introspection.';
const NO_TARGET = 'The demo could not create its shop database: the API’s database user may not CREATE DATABASE. Add a connection to a database of yours.';

export async function seedOpsDemo(tx: pg.PoolClient, orgId: string): Promise<void> {
  const server = serverOf(tx);
  const database = await ensureDemoTarget(server);
  const { rows: owner } = await tx.query(`SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'owner' ORDER BY created_at LIMIT 1`, [orgId]);
  const createdBy = owner[0]?.user_id ?? null;
  const { rows: project } = await tx.query(
    `INSERT INTO projects (org_id, name, description, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
    [orgId, DEMO_PROJECT_NAME, database ? DESCRIPTION : NO_TARGET, createdBy],
  );
  if (!database) return;
  const connectionId = randomUUID();
  await tx.query(
    `INSERT INTO connections (id, org_id, project_id, name, environment, host, port, database, username, password_encrypted, ssl_mode, read_only, created_by)
     VALUES ($1, $2, $3, $4, 'development', $5, $6, $7, $8, $9, 'disable', false, $10)`,
    [connectionId, orgId, project[0].id, DEMO_CONNECTION_NAME, loopbackHost(server.host), server.port, database, server.user,
      server.password ? encryptDemoPassword(connectionId, server.password) : null, createdBy],
  );
  await seedDemoPatch(tx, orgId, project[0].id, connectionId, createdBy);
}

/**
 * A draft mass patch on the demo connection (a development one: no approval needed), so the
 * printed key can walk the whole flow — dry-run, execute, changes, rollback — on the shop's 300
 * pending orders.
 */
async function seedDemoPatch(tx: pg.PoolClient, orgId: string, projectId: string, connectionId: string, createdBy: string | null) {
  const where = "status = 'pending'";
  const patch = await canonicalizePatch({ connection_id: connectionId, table: 'public.orders', operation: 'update', set: { status: 'cancelled' }, where, max_rows: 500 });
  await tx.query(
    `INSERT INTO patches (org_id, project_id, connection_id, name, table_schema, table_name, operation, set_values, where_input, where_sql,
                          allow_all_rows, max_rows, expected_rows, content_hash, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [orgId, projectId, connectionId, DEMO_PATCH_NAME, patch.table.schema, patch.table.name, patch.operation, JSON.stringify(patch.set), where, patch.where,
      patch.allowAllRows, patch.maxRows, patch.expectedRows, contentHash(patch), createdBy],
  );
}
