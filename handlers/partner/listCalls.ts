import type { components, operations } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson, type JsonList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { checkDayRange, dayRange } from './day-range';

/** The list for one organisation and one set of filters, in calendar order (scheduled_at, id). */
export function callsList(orgId: string, q: NonNullable<operations['listCalls']['parameters']['query']>): JsonList {
  return {
    table: 'calls',
    item: 'partner_call_json(p.r)',
    where: [
      sql`r.org_id = ${orgId}`,
      q.lead_id !== undefined && sql`r.lead_id = ${q.lead_id}`,
      q.team_member_id !== undefined && sql`r.team_member_id = ${q.team_member_id}`,
      q.status !== undefined && sql`r.status = ${q.status}`,
      q.outcome !== undefined && sql`r.outcome = ${q.outcome}`,
      ...dayRange('scheduled_at', orgId, q.scheduled_from, q.scheduled_to),
      q.updated_since !== undefined && sql`r.updated_at >= ${q.updated_since}`,
    ],
    order: q.updated_since === undefined ? byTime('scheduled_at') : BY_UPDATE,
  };
}

export const listCalls: Handler<'listCalls'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  checkDayRange(req.query, 'scheduled_from', 'scheduled_to');
  const body = await fetchJson<components['schemas']['Call']>(ctx.db, callsList(ctx.principal.orgId, req.query), { limit, offset });
  return { status: 200, body };
};
