// Reading a connection the caller can reach: its organisation's, in a project in reach (a
// project-bound key: its own project). Anything else is simply not found.
import type pg from 'pg';
import type { Principal } from '../../src/auth/principal';
import type { Sql } from '../../src/db/sql';
import { notFound } from '../../src/errors';
import { CONNECTION_COLUMNS, type ConnectionListRow } from './connection-row';
import { reachableProjects, reachableProjectsSql } from './permissions';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** reachableProjects() as a fragment for src/db/sql.ts. */
export function reachableConnections(principal: Principal): Sql {
  return reachableProjectsSql(principal, 'project_id') ?? { strings: ['true'], values: [] };
}

export async function findConnection(
  db: Queryable,
  principal: Principal,
  id: string,
  opts: { forUpdate?: boolean; withSecret?: boolean } = {},
): Promise<ConnectionListRow & { password_encrypted?: Buffer | null }> {
  const reach = reachableProjects(principal, 'project_id', 3);
  const { rows } = await db.query(
    `SELECT ${CONNECTION_COLUMNS}${opts.withSecret ? ', password_encrypted' : ''} FROM connections
      WHERE id = $1 AND org_id = $2 AND ${reach.sql}${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id, principal.orgId, ...reach.params],
  );
  if (!rows[0]) throw notFound('Connection');
  return rows[0];
}
