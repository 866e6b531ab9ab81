// A statement's rows handed over one by one as they arrive, none kept: execute's images go on to
// the API's database while the target is still producing them.
import pg from 'pg';
import type { PatchStatement } from './statement';

/** Runs the statement, calling `onRow` with each row's fields (text or null); resolves with the row count. */
export function streamRows(db: pg.Client, stmt: PatchStatement, onRow: (fields: (string | null)[]) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    let failure: unknown = null;
    // rowMode 'array' (fields by position, no object per row) is accepted at run time; the typings omit it here.
    const config = { text: stmt.text, values: stmt.values, rowMode: 'array' } as pg.QueryConfig;
    const query = db.query(new pg.Query(config));
    query.on('row', (row: (string | null)[]) => {
      if (failure) return;
      n++;
      try {
        onRow(row);
      } catch (err) {
        failure = err; // thrown here it would surface inside the driver's message handling
      }
    });
    query.on('error', reject);
    query.on('end', () => (failure ? reject(failure) : resolve(n)));
  });
}
