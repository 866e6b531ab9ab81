// A statement's rows handed over as they arrive, none kept: execute's images go on to the API's
// database as the target produces them.
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
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

/**
 * Runs `COPY (…) TO STDOUT`, handing each chunk of its text-format rows to `onChunk` as it
 * arrives; `onChunk` returning false pauses the target until `whenReady` calls back (the reader is
 * behind: memory stays bounded). Resolves when the COPY has ended.
 */
export function streamCopyOut(
  db: pg.Client,
  text: string,
  onChunk: (chunk: Buffer) => boolean,
  whenReady: (resume: () => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = db.query(copyTo(text));
    let failure: unknown = null;
    out.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        if (!onChunk(chunk)) {
          out.pause();
          whenReady(() => out.resume());
        }
      } catch (err) {
        failure = err; // thrown here it would surface inside the stream's event handling
      }
    });
    out.on('error', reject);
    out.on('end', () => (failure ? reject(failure) : resolve()));
  });
}
