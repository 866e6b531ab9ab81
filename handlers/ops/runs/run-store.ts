// Runs as the API shows them: looked up within the organisation AND the projects the caller
// reaches (handlers/ops/permissions.ts), rendered by ops_run_json (sql/functions/ops/run-json.sql,
// the run.* webhook payloads' renderer too).
import type pg from 'pg';
import type { components } from '../../../generated/openapi-types';
import type { Principal } from '../../../src/auth/principal';
import type { Sql } from '../../../src/db/sql';
import { notFound } from '../../../src/errors';
import { reachableProjects, reachableProjectsSql } from '../permissions';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;
export type RunJson = components['schemas']['Run'];

/** reachableProjects' condition as a sql`` fragment (its $1… renumbered by the list helper). */
export function reachableFragment(principal: Principal, column: string): Sql {
  return reachableProjectsSql(principal, column) ?? { strings: ['true'], values: [] };
}

/** The run, or 404 when it is not in the caller's reach. */
export async function findRun(db: Queryable, principal: Principal, id: string, opts: { forUpdate?: boolean } = {}): Promise<{ json: RunJson; projectId: string; status: RunJson['status'] }> {
  const reach = reachableProjects(principal, 'r.project_id', 3);
  const { rows } = await db.query<{ json: RunJson; project_id: string; status: RunJson['status'] }>(
    `SELECT ops_run_json(r) AS json, r.project_id, r.status FROM runs r
      WHERE r.id = $1 AND r.org_id = $2 AND ${reach.sql}${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id, principal.orgId, ...reach.params],
  );
  if (!rows[0]) throw notFound('Run');
  return { json: rows[0].json, projectId: rows[0].project_id, status: rows[0].status };
}

export const runLocation = (id: string) => `/api/v1/runs/${id}`;

/** How many runs still work on a subject (queued, running or cancelling): deleting it under them would fail them halfway. */
export async function activeRunsOn(db: Queryable, orgId: string, subjectType: string, subjectId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM runs
      WHERE org_id = $1 AND subject_type = $2 AND subject_id = $3 AND status IN ('queued', 'running', 'cancelling')`,
    [orgId, subjectType, subjectId],
  );
  return rows[0].n;
}
