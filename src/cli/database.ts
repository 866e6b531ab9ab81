// Which database a command-line tool uses: DATABASE_URL; else the embedded database of a running
// `make start`; else an embedded one started for the duration of the command.
import pg from 'pg';
import type { Config } from '../config';
import { runningEmbeddedUrl, startEmbeddedPostgres } from '../db/embedded';
import { runMigrations } from '../db/migrate';
import type { Logger } from '../logger';

export async function openDatabase(config: Config, log: Logger): Promise<{ pool: pg.Pool; close(): Promise<void> }> {
  let url = config.databaseUrl ?? runningEmbeddedUrl(config.embeddedPgDir);
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (url) {
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    const reachable = await probe.connect().then(() => true, () => false);
    await probe.end().catch(() => {});
    if (!reachable && config.databaseUrl) throw new Error('DATABASE_URL does not answer');
    if (!reachable) url = undefined; // a stale file from a server that did not stop cleanly
  }
  if (!url) {
    const embedded = await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, log);
    url = embedded.connectionString;
    stopEmbedded = embedded.stop;
  }
  await runMigrations(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    pool,
    async close() {
      await pool.end();
      await stopEmbedded?.();
    },
  };
}
