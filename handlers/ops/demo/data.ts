// The ops demo (`make start` on an empty database): a project "Demo shop" with one connection to a
// small shop database created beside the API's own (target-database.ts), so a newcomer can
// introspect a realistic schema in the first minute:
//   curl -X POST -H "Authorization: Bearer $KEY" $URL/api/v1/connections/<id>/introspect
// The connection's host is loopback, which the target policy allows outside production only
// (DB_TARGETS_ALLOW_LOOPBACK, on by default outside production).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { encryptDemoPassword } from './connection-secret';
import { ensureDemoTarget, serverOf } from './target-database';

export const DEMO_PROJECT_NAME = 'Demo shop';
export const DEMO_CONNECTION_NAME = 'Shop database (demo)';

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
}
