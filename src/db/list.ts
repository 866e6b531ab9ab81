// Every list of the API, in one statement: the page's items AND the total matching the filter.
//
// One set of semantics: `limit` rows from `offset` in a documented total order (its last key
// unique); `total` counts every row the filter matches, whatever the page (past the last page
// too); optionally keyset pagination — `cursor` (the last row's order key, see ./cursor.ts)
// instead of `offset`, and `next_cursor` in the envelope, null on the last page.
//
// Two serialisations, one SQL shape (count + ordered page):
// - JsonList: the items' JSON is built in PostgreSQL (jsonb_agg of a render function such as
//   pos_ticket_json, the same ones the webhook payloads use), for the page's rows only, after
//   LIMIT/OFFSET — the lists whose representation lives in SQL;
// - RowList: plain rows, mapped to JSON in TypeScript by the module's row mapper.
//
// Filters are sql`` fragments, and only the present ones enter the text: each combination of
// filters is its own named prepared statement, whose generic plan is right for it (see ./sql.ts).
import type pg from 'pg';
import { ApiError } from '../errors';
import { cursorTag, decodeCursor, encodeCursor, keyText, type KeyType } from './cursor';
import { render, type Fragment } from './sql';
import { statementName } from './statement-name';

type Db = Pick<pg.Pool, 'query'>;

export interface OrderKey {
  /** A column (JsonList: of the table; RowList: an expression of `from`). */
  column: string;
  /** Its SQL type, for the cursor. */
  type: KeyType;
}

/** A total order: the last key is unique (id). One direction for all keys, as a composite index walks them. */
export interface Order {
  keys: OrderKey[];
  descending?: boolean;
}

interface ListBase {
  /** The filter's fragments, ANDed; absent ones (false/null/undefined) are left out. */
  where: Fragment[];
  order: Order;
  /** Keyset pagination (`cursor`, `next_cursor`): for large append-only lists. */
  keyset?: boolean;
}

/** Rows mapped in TypeScript. `columns` must include a non-null `id` (an empty page is told by its absence). */
export interface RowList extends ListBase {
  /** The FROM clause (may alias and join). */
  from: string;
  columns: string;
}

/** JSON built in PostgreSQL, from the page's row `p.r` of `table` (aliased `r` in the filter). */
export interface JsonList extends ListBase {
  table: string;
  item: string;
  /** Joins on `p.r`, run for the page's rows only (e.g. a ticket's customer and lines). */
  joins?: string;
}

export interface PageRequest {
  limit: number;
  offset: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface KeysetPage<T> extends Page<T> {
  next_cursor: string | null;
}

/** The statement for one page, as pg's query config (its name is derived from the text). */
export interface ListQuery {
  name: string;
  text: string;
  values: unknown[];
}

const isJson = (spec: JsonList | RowList): spec is JsonList => 'table' in spec;

const tagOf = (spec: JsonList | RowList) =>
  cursorTag(`${isJson(spec) ? spec.table : spec.from}|${spec.order.keys.map((k) => k.column).join(',')}|${spec.order.descending ? 'desc' : 'asc'}`);

function checkPage(spec: JsonList | RowList, page: PageRequest): void {
  if (page.cursor === undefined) return;
  if (!spec.keyset) throw new Error('this list takes no cursor');
  if (page.offset !== 0) {
    throw new ApiError('VALIDATION_ERROR', 'cursor and offset cannot be combined: a cursor already says where the page starts', {
      details: [
        { loc: ['query', 'cursor'], msg: 'not with a non-zero offset', type: 'exclusive' },
        { loc: ['query', 'offset'], msg: 'must be 0 (or absent) with a cursor', type: 'exclusive' },
      ],
    });
  }
}

/** The SQL of one page: the filter, the keyset bound after a cursor, order, limit and offset. */
export function listQuery(spec: JsonList | RowList, page: PageRequest): ListQuery {
  checkPage(spec, page);
  const values: unknown[] = [];
  const where = render(spec.where, ' AND ', values) || 'true';
  const { keys, descending } = spec.order;
  const inner = (k: OrderKey) => (isJson(spec) ? `r.${k.column}` : k.column);
  let pageWhere = where;
  if (page.cursor !== undefined) {
    const after = decodeCursor(page.cursor, tagOf(spec), keys.map((k) => k.type));
    const bound = after.map((v, i) => `$${values.push(v)}::${keys[i].type}`).join(', ');
    // A row comparison: one index range over (keys…) in the list's direction.
    pageWhere = `${where} AND (${keys.map(inner).join(', ')}) ${descending ? '<' : '>'} (${bound})`;
  }
  const dir = descending ? ' DESC' : '';
  const innerOrder = keys.map((k) => `${inner(k)}${dir}`).join(', ');
  // A keyset list reads one row more than the page: it tells whether there is a next page.
  values.push(spec.keyset ? page.limit + 1 : page.limit, page.offset);
  const [limit, offset] = [`$${values.length - 1}`, `$${values.length}`];

  let text: string;
  if (isJson(spec)) {
    const outer = (k: OrderKey) => `(p.r).${k.column}`;
    const outerOrder = keys.map((k) => `${outer(k)}${dir}`).join(', ');
    const cursorKeys = spec.keyset ? `jsonb_agg(jsonb_build_array(${keys.map((k) => keyText(outer(k), k.type)).join(', ')}) ORDER BY ${outerOrder}) AS keys,` : '';
    text = `
    SELECT coalesce(jsonb_agg(${spec.item} ORDER BY ${outerOrder}), '[]'::jsonb) AS items, ${cursorKeys}
           (SELECT count(*) FROM ${spec.table} r WHERE ${where}) AS total
      FROM (SELECT r FROM ${spec.table} r WHERE ${pageWhere} ORDER BY ${innerOrder} LIMIT ${limit} OFFSET ${offset}) p
      ${spec.joins ?? ''}`;
  } else {
    // The total is a scalar count joined to the page, so it is still there past the last page,
    // where a window count (count(*) OVER ()) would have no row to ride on.
    const cursorKey = spec.keyset ? `, jsonb_build_array(${keys.map((k) => keyText(k.column, k.type)).join(', ')}) AS list_cursor_key` : '';
    text = `
    SELECT c.total, p.*
      FROM (SELECT count(*) AS total FROM ${spec.from} WHERE ${where}) c
      LEFT JOIN LATERAL (
        SELECT ${spec.columns}${cursorKey} FROM ${spec.from} WHERE ${pageWhere}
         ORDER BY ${innerOrder} LIMIT ${limit} OFFSET ${offset}
      ) p ON true`;
  }
  return { name: statementName(text), text, values };
}

/** Cuts the extra row fetched for keyset lists and turns the last row's key into next_cursor. */
function envelope<T>(spec: JsonList | RowList, page: PageRequest, items: T[], keys: () => string[][], total: number): Page<T> | KeysetPage<T> {
  const base = { total, limit: page.limit, offset: page.offset };
  if (!spec.keyset) return { items, ...base };
  const more = items.length > page.limit;
  const kept = more ? items.slice(0, page.limit) : items;
  return { items: kept, ...base, next_cursor: more ? encodeCursor(tagOf(spec), keys()[page.limit - 1]) : null };
}

export function fetchJson<T>(db: Db, spec: JsonList & { keyset: true }, page: PageRequest): Promise<KeysetPage<T>>;
export function fetchJson<T>(db: Db, spec: JsonList, page: PageRequest): Promise<Page<T>>;
export async function fetchJson<T>(db: Db, spec: JsonList, page: PageRequest): Promise<Page<T> | KeysetPage<T>> {
  const { rows } = await db.query(listQuery(spec, page));
  return envelope(spec, page, rows[0].items as T[], () => rows[0].keys, Number(rows[0].total));
}

export function fetchRows<R>(db: Db, spec: RowList & { keyset: true }, page: PageRequest): Promise<KeysetPage<R>>;
export function fetchRows<R>(db: Db, spec: RowList, page: PageRequest): Promise<Page<R>>;
export async function fetchRows<R>(db: Db, spec: RowList, page: PageRequest): Promise<Page<R> | KeysetPage<R>> {
  const { rows } = await db.query(listQuery(spec, page));
  const present = rows.filter((r) => r.id !== null);
  const items = present.map(({ total: _total, list_cursor_key: _key, ...r }) => r as R);
  return envelope(spec, page, items, () => present.map((r) => r.list_cursor_key), Number(rows[0].total));
}

/** By a timestamp column, then the id of the same table (ascending unless `descending`). */
export const byTime = (column: string, descending = false): Order => ({ keys: [{ column, type: 'timestamptz' }, { column: column.replace(/[^.]*$/, 'id'), type: 'uuid' }], descending });

/** The incremental-sync order every list takes with `updated_since`: (updated_at, id). */
export const BY_UPDATE = byTime('updated_at');
