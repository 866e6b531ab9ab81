// The target transaction every engine step uses: REPEATABLE READ, so the rows the statement read
// are exactly the rows it changed (a concurrent change fails it with CONCURRENT_UPDATE rather than
// mixing versions), and constraints checked at each statement, so a deferred constraint fails in
// the dry-run and before our images are committed, not at the target's COMMIT.
import type pg from 'pg';

export async function beginPatchTransaction(db: pg.Client): Promise<void> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await db.query('SET CONSTRAINTS ALL IMMEDIATE');
}

/** Ends the transaction whatever state it is in; a failure here means the session is gone, which rolls back too. */
export async function rollbackQuietly(db: pg.Client): Promise<void> {
  try {
    await db.query('ROLLBACK');
  } catch {
    // The connection is lost: the server rolls the transaction back itself.
  }
}
