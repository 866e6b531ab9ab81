// Each test file gets its own database, cloned from the migrated template (fast, isolated,
// so files run in parallel without sharing state).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function urlFor(database: string): string {
  const url = new URL(process.env.AURA_TEST_ADMIN_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.AURA_TEST_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new database; `empty: true` gives one without migrations (for migration tests). */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (!process.env.AURA_TEST_ADMIN_URL) throw new Error('run tests through jest (global setup provides the database)');
  const name = `aura_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = opts.empty ? 'template0' : process.env.AURA_TEST_TEMPLATE_DB!;
  await withAdmin(async (c) => {
    // Two clones of one template at the same instant can collide ("being accessed by other users").
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt > 20) throw err;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
  return {
    url: urlFor(name),
    name,
    // With the ops demo's target database, which a demo seeded on this one creates beside it (handlers/ops/demo).
    drop: () =>
      withAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`DROP DATABASE IF EXISTS ${name}_demo_target WITH (FORCE)`);
      }),
  };
}

/**
 * pg-pool's end() resolves before its connections have closed, so the teardown's DROP … WITH (FORCE)
 * can still terminate one: that error (57P01) is expected then; any other idle-client error fails the run.
 */
export function ignoreTeardownTermination(pool: pg.Pool): pg.Pool {
  pool.on('error', (err) => {
    if ((err as { code?: string }).code !== '57P01') throw err;
  });
  return pool;
}
