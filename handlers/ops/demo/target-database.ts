// The demo's target database, created beside the API's own on the same server (the embedded one,
// or DATABASE_URL's): `<api database>_demo_target`. CREATE DATABASE cannot run inside the demo's
// transaction, so it goes through a connection of its own, with the API's credentials. Idempotent:
// an existing database is kept; the shop is created in one transaction only when it is missing.
import pg from 'pg';
import { SHOP_SCHEMA_SQL } from './shop-schema';

/** Where the API's own session is connected: what the demo's connection row points at too. */
export interface ServerParams {
  host: string;
  port: number;
  user: string;
  password: string | null;
  database: string;
}

/** The server and credentials of an open session of node-postgres (a pool client of the API's pool). */
export function serverOf(client: pg.ClientBase): ServerParams {
  const c = client as unknown as { host: string; port: number; user: string; database: string; password?: string | null };
  return { host: c.host, port: c.port, user: c.user, database: c.database, password: c.password || null };
}

/** Database names are 63 bytes at most; the suffix always stays. */
export function demoTargetName(apiDatabase: string): string {
  const suffix = '_demo_target';
  return apiDatabase.slice(0, 63 - suffix.length) + suffix;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function withClient<T>(server: ServerParams, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password ?? undefined, database, application_name: 'aura-demo' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates the demo target database and its shop if missing; returns its name, or null when the
 * API's database user may not create databases (a managed server's restricted role): the demo
 * must never stop a first start.
 */
export async function ensureDemoTarget(server: ServerParams): Promise<string | null> {
  const name = demoTargetName(server.database);
  const created = await withClient(server, server.database, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return true;
    try {
      await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '42501') return false; // insufficient_privilege
      // Another instance booting at the same moment created it: fine.
      if (code !== '42P04') throw err;
    }
    return true;
  });
  if (!created) return null;
  await withClient(server, name, async (c) => {
    await c.query('BEGIN');
    try {
      // Serialises two instances filling it at once; the second sees the shop and leaves it.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['aura-demo-target']);
      const { rows } = await c.query(`SELECT to_regclass('public.orders') IS NOT NULL AS present`);
      if (!rows[0].present) await c.query(SHOP_SCHEMA_SQL);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    }
  });
  return name;
}
