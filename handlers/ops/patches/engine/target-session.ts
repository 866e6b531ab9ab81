// The target transaction every engine step uses: REPEATABLE READ, so the rows the statement read
// are exactly the rows it changed (a concurrent change fails it with CONCURRENT_UPDATE rather than
// mixing versions), and constraints checked at each statement, so a deferred constraint fails in
// the dry-run and before our images are committed, not at the target's COMMIT.
import type pg from 'pg';

/** Session settings that change how a row renders as JSON, so images compare only under the same ones. */
export type SessionSettings = Record<string, string>;
const RENDERING_SETTINGS = ['TimeZone', 'IntervalStyle', 'lc_monetary'];

/**
 * Opens the transaction; with `settings` (those recorded at execute), applies them for this
 * transaction only. Floats always render shortest-exact (extra_float_digits = 1), so an image
 * never rounds a double. Returns the settings in force.
 */
export async function beginPatchTransaction(db: pg.Client, settings?: SessionSettings): Promise<SessionSettings> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await db.query('SET CONSTRAINTS ALL IMMEDIATE');
  await db.query(`SELECT set_config('extra_float_digits', '1', true)`);
  for (const name of RENDERING_SETTINGS)
    if (settings?.[name] !== undefined) await db.query('SELECT set_config($1, $2, true)', [name, settings[name]]);
  const res = await db.query<{ name: string; setting: string }>(
    'SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name',
    [RENDERING_SETTINGS],
  );
  return Object.fromEntries(res.rows.map((r) => [r.name, r.setting]));
}

/** Ends the transaction whatever state it is in; a failure here means the session is gone, which rolls back too. */
export async function rollbackQuietly(db: pg.Client): Promise<void> {
  try {
    await db.query('ROLLBACK');
  } catch {
    // The connection is lost: the server rolls the transaction back itself.
  }
}
