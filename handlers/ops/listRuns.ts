import type { operations } from '../../generated/openapi-types';
import type { Principal } from '../../src/auth/principal';
import { byTime, fetchJson, type JsonList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { reachableFragment, type RunJson } from './runs/run-store';

type RunsQuery = NonNullable<operations['listRuns']['parameters']['query']>;

/** Newest first, by keyset or offset; only the projects the caller reaches (a console member: where they have a role, which grants runs.read). */
export function runsList(principal: Principal, q: RunsQuery): JsonList & { keyset: true } {
  return {
    table: 'runs',
    item: 'ops_run_json(p.r)',
    where: [
      sql`r.org_id = ${principal.orgId}`,
      reachableFragment(principal, 'r.project_id'),
      q.project_id !== undefined && sql`r.project_id = ${q.project_id}`,
      q.kind !== undefined && sql`r.kind = ${q.kind}`,
      q.status !== undefined && sql`r.status = ${q.status}`,
      q.subject_id !== undefined && sql`r.subject_id = ${q.subject_id}`,
    ],
    order: byTime('created_at', true),
    keyset: true,
  };
}

export const listRuns: Handler<'listRuns'> = async (ctx, req) => {
  const { limit = 50, offset = 0, cursor } = req.query;
  const body = await fetchJson<RunJson>(ctx.db, runsList(ctx.principal, req.query), { limit, offset, cursor });
  return { status: 200, body };
};
