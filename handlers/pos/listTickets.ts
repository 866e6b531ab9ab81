import type { components } from '../../generated/openapi-types';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { fetchPage, listSql } from './page';

// debut/fin are business days in the organisation's time zone: [debut 00:00, fin + 1 day 00:00)
// local time. The bounds are InitPlans, so the range is an index condition on (org_id, date_heure).
// Each optional filter is `($n IS NULL OR …)`: planned with its value (node-pg's unnamed
// statements), an absent one folds away — so without dates, updated_since gets its own index — and
// facturesOnly=true folds to `numero_facture IS NOT NULL`, which selects the partial index.
export const LIST_TICKETS_SQL = listSql(
  {
    table: 'tickets',
    item: 'pos_ticket_json_with(p.r, c.j, l.j)',
    // The page's customers and (with withLignes=true, $6) lines: index lookups per ticket.
    joins: `LEFT JOIN LATERAL (SELECT pos_client_json(c) AS j FROM clients c WHERE c.org_id = (p.r).org_id AND c.id = (p.r).client_id) c ON true
            LEFT JOIN LATERAL pos_ticket_lignes_json(p.r) AS l(j) ON $6`,
    where: `r.org_id = $1
      AND ($2::date IS NULL OR r.date_heure >= (SELECT $2::date::timestamp AT TIME ZONE o.timezone FROM organisations o WHERE o.id = $1))
      AND ($3::date IS NULL OR r.date_heure < (SELECT ($3::date + 1)::timestamp AT TIME ZONE o.timezone FROM organisations o WHERE o.id = $1))
      AND ($4::boolean IS NOT TRUE OR r.numero_facture IS NOT NULL)
      AND ($5::timestamptz IS NULL OR r.updated_at >= $5)`,
  },
  ['date_heure', 'id'],
  7,
);

export const listTickets: Handler<'listTickets'> = async (ctx, req) => {
  const { limit = 50, offset = 0, debut, fin, facturesOnly = false, withLignes = false, updated_since } = req.query;
  if (debut !== undefined && fin !== undefined && fin < debut) {
    const msg = `fin (${fin}) is before debut (${debut})`;
    throw new ApiError('VALIDATION_ERROR', msg, {
      details: [
        { loc: ['query', 'debut'], msg: 'must not be after fin', type: 'range' },
        { loc: ['query', 'fin'], msg: 'must not be before debut', type: 'range' },
      ],
    });
  }
  const sql = updated_since === undefined ? LIST_TICKETS_SQL.natural : LIST_TICKETS_SQL.byUpdate;
  const params = [ctx.principal!.orgId, debut ?? null, fin ?? null, facturesOnly, updated_since ?? null, withLignes];
  return { status: 200, body: await fetchPage<components['schemas']['Ticket']>(ctx, sql, params, limit, offset) };
};
