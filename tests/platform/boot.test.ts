// Boot-time guarantees: concurrent migrations on one empty database, and configuration errors
// that name the variable.
import pg from 'pg';
import { loadConfig } from '../../src/config';
import { runMigrations } from '../../src/db/migrate';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { readdirSync } from 'node:fs';
import { migrationsDir } from '../../src/paths';
import { start } from '../../src/server';
import { createLogger } from '../../src/logger';

describe('migrations at boot', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterAll(() => database.drop());

  it('two instances booting at once on one empty database both come up, each file applied once', async () => {
    const results = await Promise.all([runMigrations(database.url), runMigrations(database.url)]);
    const files = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql'));
    // Between them, every file was applied exactly once; neither failed.
    expect(results.flat().sort()).toEqual(files.map((f) => f.replace(/^\d+_/, '').replace(/\.sql$/, '')).sort());
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const { rows } = await db.query('SELECT name, count(*)::int AS n FROM migrations WHERE id > 0 GROUP BY name');
    await db.end();
    expect(rows).toHaveLength(files.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // A third boot finds nothing to do.
    expect(await runMigrations(database.url)).toEqual([]);
  });
});

describe('configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, /^PORT must be an integer/],
    [{ PORT: '70000' }, /^PORT must be an integer between 0 and 65535/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV must be one of development, production, test/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres:\/\/ URL/],
    [{ VALIDATE_RESPONSES: 'maybe' }, /^VALIDATE_RESPONSES must be true or false/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('validates responses by default except in production', () => {
    expect(loadConfig({}).validateResponses).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).validateResponses).toBe(false);
  });
});

describe('two servers started at once on one empty database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterAll(() => database.drop());

  it('both come up healthy; migrations and the demo data are applied once', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, PORT: '0', DEMO: 'true', WEBHOOK_WORKER: 'off' });
    const log = createLogger('silent');
    const [a, b] = await Promise.all([start(config, log), start(config, log)]);
    try {
      for (const s of [a, b]) expect((await fetch(`${s.url}/health`)).status).toBe(200);
      expect([a.demo?.created, b.demo?.created].sort()).toEqual([false, true]);
      const { rows } = await a.pool.query(`SELECT (SELECT count(*) FROM organisations WHERE slug = 'demo') AS demo, (SELECT count(*) FROM api_keys) AS keys`);
      expect(rows[0]).toEqual({ demo: 1, keys: 1 });
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 60_000);
});
