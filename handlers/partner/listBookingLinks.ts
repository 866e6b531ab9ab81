import type { components, operations } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson, type JsonList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';

/** The list for one organisation and one set of filters. */
export function bookingLinksList(orgId: string, q: NonNullable<operations['listBookingLinks']['parameters']['query']>): JsonList {
  return {
    table: 'booking_links',
    item: 'partner_booking_link_json(p.r)',
    where: [
      sql`r.org_id = ${orgId}`,
      q.active !== undefined && sql`r.active = ${q.active}`,
      // booking_link_members_member_idx: (org_id, team_member_id, booking_link_id).
      q.team_member_id !== undefined &&
        sql`EXISTS (SELECT 1 FROM booking_link_members m WHERE m.org_id = r.org_id AND m.team_member_id = ${q.team_member_id} AND m.booking_link_id = r.id)`,
      q.updated_since !== undefined && sql`r.updated_at >= ${q.updated_since}`,
    ],
    order: q.updated_since === undefined ? byTime('created_at') : BY_UPDATE,
  };
}

export const listBookingLinks: Handler<'listBookingLinks'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const body = await fetchJson<components['schemas']['BookingLink']>(ctx.db, bookingLinksList(ctx.principal.orgId, req.query), { limit, offset });
  return { status: 200, body };
};
