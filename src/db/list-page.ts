// The offset-paginated lists outside the POS module (keys, audit events, webhooks, deliveries):
// one statement gives the page's rows AND the total matching the filter. The total is a scalar
// count joined to the page, so it is still there past the last page, where a window count
// (count(*) OVER ()) would have no row to ride on.
import type pg from 'pg';
import { statementName } from './statement-name';

export interface ListQuery {
  /** The FROM clause (may alias and join). */
  from: string;
  /** The filter, with parameters $1…$n (the page's limit and offset come after them). */
  where: string;
  /** The page's columns; must include a non-null `id` (an empty page is told by its absence). */
  columns: string;
  /** A total order, ending in a unique column. */
  orderBy: string;
}

export interface ListStatement {
  text: string;
  /** How many filter parameters `where` uses (its highest $n). */
  filterParams: number;
}

export function listStatement(q: ListQuery): ListStatement {
  const filterParams = Math.max(0, ...[...q.where.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const text = `
    SELECT c.total, p.*
      FROM (SELECT count(*) AS total FROM ${q.from} WHERE ${q.where}) c
      LEFT JOIN LATERAL (
        SELECT ${q.columns} FROM ${q.from} WHERE ${q.where}
         ORDER BY ${q.orderBy} LIMIT $${filterParams + 1} OFFSET $${filterParams + 2}
      ) p ON true`;
  return { text, filterParams };
}

export async function fetchList<R extends { id: string }>(
  db: Pick<pg.Pool, 'query'>,
  statement: ListStatement,
  filter: unknown[],
  page: { limit: number; offset: number },
): Promise<{ rows: R[]; total: number; limit: number; offset: number }> {
  if (filter.length !== statement.filterParams) throw new Error(`list statement takes ${statement.filterParams} filter parameters, got ${filter.length}`);
  const { rows } = await db.query({ name: statementName(statement.text), text: statement.text, values: [...filter, page.limit, page.offset] });
  const total = Number(rows[0].total);
  const items = rows.filter((r) => r.id !== null).map(({ total: _total, ...r }) => r as R);
  return { rows: items, total, limit: page.limit, offset: page.offset };
}
