// The detail of one object whose JSON is built in PostgreSQL (the same render functions as its list).
import type pg from 'pg';
import { notFound } from '../errors';
import { statementName } from './statement-name';

/** `sql` is `SELECT <json> AS body … WHERE org_id = $1 AND id = $2`: the object, or a 404 naming `what`. */
export async function fetchOne<T>(db: Pick<pg.Pool, 'query'>, sql: string, orgId: string, id: string, what: string): Promise<T> {
  const { rows } = await db.query({ name: statementName(sql), text: sql, values: [orgId, id] });
  if (!rows[0]) throw notFound(what);
  return rows[0].body as T;
}
