import pg from 'pg';
import { migrate } from 'postgres-migrations';
import { migrationsDir } from '../paths';

/**
 * Applies sql/migrations. postgres-migrations holds a session advisory lock while it runs,
 * so several instances booting at once apply each file exactly once. It wants a dedicated
 * client (it rejects a connection string).
 */
export async function runMigrations(connectionString: string): Promise<string[]> {
  const client = new pg.Client({ connectionString, application_name: 'aura-api-migrate' });
  await client.connect();
  try {
    const applied = await migrate({ client }, migrationsDir, { logger: () => {} });
    // id 0 is the library's own bookkeeping table, not one of ours.
    return applied.filter((m) => m.id !== 0).map((m) => m.name);
  } finally {
    await client.end();
  }
}
