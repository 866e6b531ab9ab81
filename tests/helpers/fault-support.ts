// Fault-test support: a database for a server process (cloned from the migrated template, with a
// tenant in it), and slow requests made without any test-only code in the server — a transaction
// here holds the row lock every request of a key needs (its rate-limit window), so those requests
// wait in PostgreSQL, holding their pool connections, until it is released.
import pg from 'pg';
import { seedTenant, type Tenant } from './battery-world';
import { createTestDatabase, type TestDatabase } from './db';

export interface FaultWorld {
  database: TestDatabase;
  db: pg.Pool;
  tenant: Tenant;
  close(): Promise<void>;
}

export async function faultWorld(marker = 'FAULT'): Promise<FaultWorld> {
  const database = await createTestDatabase();
  const db = new pg.Pool({ connectionString: database.url, max: 3 });
  // A fault test terminates backends: a lost idle connection of this pool must not fail the test.
  db.on('error', () => {});
  const tenant = await seedTenant(db, marker);
  return {
    database,
    db,
    tenant,
    async close() {
      await db.end();
      await database.drop();
    },
  };
}

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Holds the lock on the key's rate-limit window until released: every request with that key then
 * waits in PostgreSQL. The window row exists once the key has made one request.
 */
export async function holdKeyLock(databaseUrl: string, keyId: string): Promise<HeldLock> {
  const c = new pg.Client({ connectionString: databaseUrl, application_name: 'aura-fault-lock' });
  c.on('error', () => {}); // terminated along with the database: nothing to do
  await c.connect();
  await c.query('BEGIN');
  const { rowCount } = await c.query('SELECT 1 FROM rate_limit_windows WHERE bucket = $1 FOR UPDATE', [`key:${keyId}`]);
  if (rowCount !== 1) {
    await c.end().catch(() => {});
    throw new Error('the key has no rate-limit window yet: make one request with it first');
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await c.query('ROLLBACK').catch(() => {});
      await c.end().catch(() => {});
    },
  };
}

/** Server connections of the database waiting on a lock right now. */
export async function lockWaiters(db: pg.Pool, database: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'aura-api' AND wait_event_type = 'Lock'`,
    [database],
  );
  return rows[0].n;
}

/** Terminates every server connection to the database but the caller's own; returns how many. */
export async function terminateBackends(db: pg.Pool, database: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name = 'aura-api'`,
    [database],
  );
  return rows[0].n;
}
