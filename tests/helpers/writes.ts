// What the factories share: writing rows the way the POS and the sales tools do — a document and
// its children in one transaction, with explicit timestamps when a test pins an order.
import type pg from 'pg';

export type Db = pg.Pool | pg.PoolClient;

/** Explicit timestamps pin an order that rows inserted in one instant would leave to their ids. */
export interface Times {
  createdAt?: string;
  updatedAt?: string;
}
export const times = (t: Times) => ({ created_at: t.createdAt, updated_at: t.updatedAt ?? t.createdAt });

/** One transaction, as a writer records a document with its children (on a client, in the caller's). */
export async function inTx<T>(db: Db, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = 'release' in db ? db : await (db as pg.Pool).connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    if (c !== db) c.release();
  }
}
