import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchOne } from '../../src/db/fetch-one';

export const SQL = `SELECT partner_team_member_json(t) AS body FROM team_members t WHERE t.org_id = $1 AND t.id = $2`;

export const getTeamMember: Handler<'getTeamMember'> = async (ctx, req) => ({
  status: 200,
  body: await fetchOne<components['schemas']['TeamMember']>(ctx.db, SQL, ctx.principal.orgId, req.params.id, 'Team member'),
});
