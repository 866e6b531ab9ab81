import { byTime, fetchJson } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { reachableProjectsSql } from './permissions';
import type { ProjectJson } from './project-store';

/** The projects in the caller's reach: all of the organisation's, a key's own, or a member's. */
export const listProjects: Handler<'listProjects'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const p = ctx.principal;
  const body = await fetchJson<ProjectJson>(
    ctx.db,
    { table: 'projects', item: 'ops_project_json(p.r)', where: [sql`r.org_id = ${p.orgId}`, reachableProjectsSql(p, 'r.id')], order: byTime('created_at') },
    { limit, offset },
  );
  return { status: 200, body };
};
