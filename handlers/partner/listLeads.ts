import type { components, operations } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson, type JsonList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { checkDayRange, dayRange } from './day-range';

/**
 * The list for one organisation and one set of filters. assigned_to + status walk
 * leads_org_assigned_status_idx in the list's order (created_at, id); created_from/to are days
 * in the organisation's time zone.
 */
export function leadsList(orgId: string, q: NonNullable<operations['listLeads']['parameters']['query']>): JsonList {
  return {
    table: 'leads',
    item: 'partner_lead_json(p.r)',
    where: [
      sql`r.org_id = ${orgId}`,
      q.assigned_to !== undefined && sql`r.assigned_to_id = ${q.assigned_to}`,
      q.status !== undefined && sql`r.status = ${q.status}`,
      q.booking_link_id !== undefined && sql`r.booking_link_id = ${q.booking_link_id}`,
      q.source !== undefined && sql`r.source = ${q.source}`,
      q.email !== undefined && sql`lower(r.email) = lower(${q.email})`,
      ...dayRange('created_at', orgId, q.created_from, q.created_to),
      q.updated_since !== undefined && sql`r.updated_at >= ${q.updated_since}`,
    ],
    order: q.updated_since === undefined ? byTime('created_at') : BY_UPDATE,
  };
}

export const listLeads: Handler<'listLeads'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  checkDayRange(req.query, 'created_from', 'created_to');
  const body = await fetchJson<components['schemas']['Lead']>(ctx.db, leadsList(ctx.principal.orgId, req.query), { limit, offset });
  return { status: 200, body };
};
