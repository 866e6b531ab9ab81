import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchOne } from '../../src/db/fetch-one';

export const SQL = `SELECT partner_booking_link_json(t) AS body FROM booking_links t WHERE t.org_id = $1 AND t.id = $2`;

export const getBookingLink: Handler<'getBookingLink'> = async (ctx, req) => ({
  status: 200,
  body: await fetchOne<components['schemas']['BookingLink']>(ctx.db, SQL, ctx.principal.orgId, req.params.id, 'Booking link'),
});
