// Which database a command-line tool uses: DATABASE_URL; else the embedded database of a running
// `make start` (found through the URL file it writes); else an embedded one started for the
// duration of the command. Never a second embedded server on a data directory one already uses.
import pg from 'pg';
import type { Config } from '../config';
import { runningEmbeddedUrl, startEmbeddedPostgres } from '../db/embedded';
import { runMigrations } from '../db/migrate';
import type { Logger } from '../logger';
import { errorText } from './error-text';

export interface CliDatabase {
  pool: pg.Pool;
  url: string;
  /** Migrations this command applied (the server applies them at start too). */
  applied: string[];
  close(): Promise<void>;
}

/** Why the database at `url` does not answer, or undefined when it does. */
async function unreachable(url: string): Promise<string | undefined> {
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  probe.on('error', () => {}); // a late socket error after a failed connect is not news
  const failure = await probe.connect().then(() => undefined, (err: unknown) => errorText(err));
  await probe.end().catch(() => {});
  return failure;
}

export async function openDatabase(config: Config, log: Logger, opts: { poolMax?: number; applicationName?: string } = {}): Promise<CliDatabase> {
  let url = config.databaseUrl ?? runningEmbeddedUrl(config.embeddedPgDir);
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (url) {
    const failure = await unreachable(url);
    if (failure && config.databaseUrl) throw new Error(`DATABASE_URL does not answer: ${failure}`);
    if (failure) url = undefined; // a stale file from a server that did not stop cleanly
  }
  if (!url) {
    const embedded = await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, log);
    url = embedded.connectionString;
    stopEmbedded = embedded.stop;
  }
  try {
    const applied = await runMigrations(url);
    const pool = new pg.Pool({ connectionString: url, max: opts.poolMax ?? 2, application_name: opts.applicationName });
    return {
      pool,
      url,
      applied,
      async close() {
        await pool.end();
        await stopEmbedded?.();
      },
    };
  } catch (err) {
    await stopEmbedded?.();
    throw err;
  }
}
