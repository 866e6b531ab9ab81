import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchOne } from '../../src/db/fetch-one';

// The detail always carries the lines.
const SQL = `SELECT pos_ticket_json(t, true) AS body FROM tickets t WHERE t.org_id = $1 AND t.id = $2`;

export const getTicket: Handler<'getTicket'> = async (ctx, req) => ({
  status: 200,
  body: await fetchOne<components['schemas']['Ticket']>(ctx.db, SQL, ctx.principal.orgId, req.params.id, 'Ticket'),
});
