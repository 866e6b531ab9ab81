import type { components, operations } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson, type JsonList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { checkDayRange, dayRange } from './day-range';

/**
 * The list for one organisation and one set of filters. team_member_id is the closer or any
 * commission recipient (commissions_member_idx); paid_from/to are days of paid_at in the
 * organisation's time zone (pending and failed payments have none, so never match).
 */
export function paymentsList(orgId: string, q: NonNullable<operations['listPayments']['parameters']['query']>): JsonList {
  return {
    table: 'payments',
    item: 'partner_payment_json(p.r)',
    where: [
      sql`r.org_id = ${orgId}`,
      q.status !== undefined && sql`r.status = ${q.status}`,
      q.lead_id !== undefined && sql`r.lead_id = ${q.lead_id}`,
      q.product_id !== undefined && sql`r.product_id = ${q.product_id}`,
      q.team_member_id !== undefined &&
        sql`(r.closer_id = ${q.team_member_id} OR EXISTS (SELECT 1 FROM commissions c WHERE c.org_id = r.org_id AND c.team_member_id = ${q.team_member_id} AND c.payment_id = r.id))`,
      ...dayRange('paid_at', orgId, q.paid_from, q.paid_to),
      q.updated_since !== undefined && sql`r.updated_at >= ${q.updated_since}`,
    ],
    order: q.updated_since === undefined ? byTime('created_at') : BY_UPDATE,
  };
}

export const listPayments: Handler<'listPayments'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  checkDayRange(req.query, 'paid_from', 'paid_to');
  const body = await fetchJson<components['schemas']['Payment']>(ctx.db, paymentsList(ctx.principal.orgId, req.query), { limit, offset });
  return { status: 200, body };
};
