// Lists and details of the POS resources: the JSON is built in Postgres by the pos_*_json
// functions of migration 3 (the same ones the webhook payloads use), so masking and field
// formats live in one place.
import { statementName } from '../../src/db/statement-name';
import { notFound } from '../../src/errors';
import type { Ctx } from '../../src/handler';

export interface PageSpec {
  /** The table, aliased `r` in `where`. */
  table: string;
  /** An item's JSON, from the page's row `p.r` (and the columns of `joins`). */
  item: string;
  /** Joins run for the page's rows only, after LIMIT/OFFSET (e.g. a ticket's customer and lines). */
  joins?: string;
  /** Filter on `r`, with $1 the organisation; the page's limit and offset come last. */
  where: string;
}

/**
 * One round trip: the page's rows are chosen in a subquery (index order, LIMIT/OFFSET), so the
 * JSON is built only for the rows returned, never for the ones skipped by OFFSET.
 */
function pageSql(s: PageSpec, order: string[], limitParam: number): string {
  const inner = order.map((c) => `r.${c}`).join(', ');
  const outer = order.map((c) => `(p.r).${c}`).join(', ');
  return `
    SELECT coalesce(jsonb_agg(${s.item} ORDER BY ${outer}), '[]'::jsonb) AS items,
           (SELECT count(*) FROM ${s.table} r WHERE ${s.where}) AS total
      FROM (SELECT r FROM ${s.table} r WHERE ${s.where}
             ORDER BY ${inner} LIMIT $${limitParam} OFFSET $${limitParam + 1}) p
      ${s.joins ?? ''}`;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export async function fetchPage<T>(ctx: Ctx, sql: string, params: unknown[], limit: number, offset: number): Promise<Page<T>> {
  const { rows } = await ctx.db.query({ name: statementName(sql), text: sql, values: [...params, limit, offset] });
  return { items: rows[0].items as T[], total: rows[0].total as number, limit, offset };
}

/** `SELECT <json> AS body ... WHERE org_id = $1 AND id = $2`: the object, or a 404. */
export async function fetchOne<T>(ctx: Ctx, sql: string, id: string, what: string): Promise<T> {
  const { rows } = await ctx.db.query({ name: statementName(sql), text: sql, values: [ctx.principal!.orgId, id] });
  if (!rows[0]) throw notFound(what);
  return rows[0].body as T;
}

/**
 * A list's two queries: its documented order (columns of `r`, ending in id), and the
 * incremental-sync order (updated_at, id) used when `updated_since` is given.
 */
export function listSql(s: PageSpec, natural: string[], limitParam: number) {
  return { natural: pageSql(s, natural, limitParam), byUpdate: pageSql(s, ['updated_at', 'id'], limitParam) };
}
