import { fetchJson } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { requireProjectPermission } from './permissions';
import type { ProjectMemberJson } from './project-store';

export const listProjectMembers: Handler<'listProjectMembers'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const p = ctx.principal;
  await requireProjectPermission(ctx.db, p, req.params.project_id, 'members.read');
  const body = await fetchJson<ProjectMemberJson>(
    ctx.db,
    {
      table: 'project_members',
      item: 'ops_project_member_json(p.r)',
      where: [sql`r.org_id = ${p.orgId}`, sql`r.project_id = ${req.params.project_id}`],
      // The member's id is its user id: (created_at, user_id) is the total order.
      order: { keys: [{ column: 'created_at', type: 'timestamptz' }, { column: 'user_id', type: 'uuid' }] },
    },
    { limit, offset },
  );
  return { status: 200, body };
};
