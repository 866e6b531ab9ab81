// `make migrate`: apply sql/migrations to DATABASE_URL (or the embedded database) and exit.
import { loadConfig } from '../config';
import { startEmbeddedPostgres } from '../db/embedded';
import { runMigrations } from '../db/migrate';
import { createLogger } from '../logger';
import { errorText } from './error-text';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, log);
  try {
    const applied = await runMigrations(config.databaseUrl ?? embedded!.connectionString);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await embedded?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`migrate failed: ${errorText(err)}\n`);
  process.exit(1);
});
