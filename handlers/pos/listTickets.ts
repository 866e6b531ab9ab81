import type { components, operations } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson, type JsonList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';

type TicketsQuery = NonNullable<operations['listTickets']['parameters']['query']>;

// The page's customers, and its lines with withLignes=true: index lookups per ticket of the page.
const CLIENT = `LEFT JOIN LATERAL (SELECT pos_client_json(c) AS j FROM clients c WHERE c.org_id = (p.r).org_id AND c.id = (p.r).client_id) c ON true`;
const LIGNES = `LEFT JOIN LATERAL pos_ticket_lignes_json(p.r) AS l(j) ON true`;

/**
 * The list for one organisation and one set of filters — the statement the handler runs (and
 * `make bench`, and the plan test). debut/fin are business days in the organisation's time zone:
 * [debut 00:00, fin + 1 day 00:00) local time. The bounds are InitPlans, so the range is an index
 * condition on (org_id, date_heure); facturesOnly=true selects the partial index of invoices;
 * without dates, updated_since has its own index. Absent filters are absent from the text: each
 * combination is its own prepared statement, right even in PostgreSQL's generic plan.
 */
export function ticketsList(orgId: string, q: TicketsQuery): JsonList {
  const { debut, fin, facturesOnly = false, withLignes = false, updated_since } = q;
  return {
    table: 'tickets',
    item: `pos_ticket_json_with(p.r, c.j, ${withLignes ? 'l.j' : 'NULL'})`,
    joins: withLignes ? `${CLIENT} ${LIGNES}` : CLIENT,
    where: [
      sql`r.org_id = ${orgId}`,
      debut !== undefined &&
        sql`r.date_heure >= (SELECT ${debut}::date::timestamp AT TIME ZONE o.timezone FROM organisations o WHERE o.id = ${orgId}::uuid)`,
      fin !== undefined &&
        sql`r.date_heure < (SELECT (${fin}::date + 1)::timestamp AT TIME ZONE o.timezone FROM organisations o WHERE o.id = ${orgId}::uuid)`,
      facturesOnly && sql`r.numero_facture IS NOT NULL`,
      updated_since !== undefined && sql`r.updated_at >= ${updated_since}`,
    ],
    order: updated_since === undefined ? byTime('date_heure') : BY_UPDATE,
  };
}

export const listTickets: Handler<'listTickets'> = async (ctx, req) => {
  const { limit = 50, offset = 0, debut, fin } = req.query;
  if (debut !== undefined && fin !== undefined && fin < debut) {
    const msg = `fin (${fin}) is before debut (${debut})`;
    throw new ApiError('VALIDATION_ERROR', msg, {
      details: [
        { loc: ['query', 'debut'], msg: 'must not be after fin', type: 'range' },
        { loc: ['query', 'fin'], msg: 'must not be before debut', type: 'range' },
      ],
    });
  }
  const body = await fetchJson<components['schemas']['Ticket']>(ctx.db, ticketsList(ctx.principal.orgId, req.query), { limit, offset });
  return { status: 200, body };
};
