import type { components, operations } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson, type JsonList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';

/** The list for one organisation and one set of filters. */
export function teamMembersList(orgId: string, q: NonNullable<operations['listTeamMembers']['parameters']['query']>): JsonList {
  return {
    table: 'team_members',
    item: 'partner_team_member_json(p.r)',
    where: [
      sql`r.org_id = ${orgId}`,
      q.role !== undefined && sql`r.role = ${q.role}`,
      q.active !== undefined && sql`r.active = ${q.active}`,
      q.updated_since !== undefined && sql`r.updated_at >= ${q.updated_since}`,
    ],
    order: q.updated_since === undefined ? byTime('created_at') : BY_UPDATE,
  };
}

export const listTeamMembers: Handler<'listTeamMembers'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const body = await fetchJson<components['schemas']['TeamMember']>(ctx.db, teamMembersList(ctx.principal.orgId, req.query), { limit, offset });
  return { status: 200, body };
};
