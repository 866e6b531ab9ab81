import pg from 'pg';
import { migrate } from 'postgres-migrations';
import { migrationsDir } from '../paths';
import { applySqlFunctions } from './sql-functions';

/** postgres-migrations' own advisory lock key (node_modules/postgres-migrations/dist/with-lock.js). */
const MIGRATION_LOCK = '-8525285245963000605';

/**
 * Applies sql/migrations, then re-applies the modules' SQL functions (src/db/sql-functions.ts),
 * both under the migration lock: several instances booting at once apply each migration exactly
 * once and the functions one after another. postgres-migrations takes and releases that session
 * lock itself; we hold it around both steps (advisory locks are re-entrant per session), so no
 * other instance's migrations or functions run between ours. It wants a dedicated client (it
 * rejects a connection string).
 */
export async function runMigrations(connectionString: string): Promise<string[]> {
  const client = new pg.Client({ connectionString, application_name: 'aura-api-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await migrate({ client }, migrationsDir, { logger: () => {} });
    await applySqlFunctions(client);
    // id 0 is the library's own bookkeeping table, not one of ours.
    return applied.filter((m) => m.id !== 0).map((m) => m.name);
  } finally {
    // Ending the session releases the lock too, whatever happened above.
    await client.end();
  }
}
