// The modules' SQL functions (sql/functions/<module>/*.sql, then generated/*.sql) are re-applied at
// every boot, after the migrations and under their lock: a representation change is an edit, and
// instances booting together never trip over each other's CREATE OR REPLACE.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { runMigrations } from '../../src/db/migrate';
import { sqlFunctionFiles } from '../../src/db/sql-functions';
import { repoRoot } from '../../src/paths';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

async function query<T = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}

const definition = async (url: string, name: string) =>
  (await query<{ def: string }>(url, `SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p WHERE p.proname = $1`, [name]))[0]?.def;

describe('module SQL functions at boot', () => {
  it('runs the files in a fixed order: sql/functions/ by path, then the generated ones', () => {
    const files = sqlFunctionFiles().map((f) => f.slice(repoRoot.length + 1));
    expect(files).toEqual(expect.arrayContaining(['sql/functions/pos/renderers.sql', 'sql/functions/webhooks/render.sql', 'generated/webhook-render.sql']));
    const own = files.filter((f) => f.startsWith('sql/functions/'));
    expect(own).toEqual([...own].sort());
    expect(files.slice(own.length).every((f) => f.startsWith('generated/'))).toBe(true);
  });

  describe('on one database', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(() => database.drop());

    it('a function changed in the database since is put back as its file says on the next boot', async () => {
      const before = await definition(database.url, 'pos_client_json');
      expect(readFileSync(`${repoRoot}/sql/functions/pos/renderers.sql`, 'utf8')).toContain('CREATE OR REPLACE FUNCTION pos_client_json(c clients)');
      // What an older deploy left: a different body under the same name.
      await query(database.url, `CREATE OR REPLACE FUNCTION pos_client_json(c clients) RETURNS jsonb LANGUAGE sql STABLE AS $$ SELECT '{"stale": true}'::jsonb $$`);
      expect(await definition(database.url, 'pos_client_json')).toContain('stale');
      expect(await runMigrations(database.url)).toEqual([]); // no migration to run…
      expect(await definition(database.url, 'pos_client_json')).toBe(before); // …the file is applied anyway
      expect(await definition(database.url, 'pos_client_json')).toContain("'telephone', CASE WHEN c.consentement_marketing");
    });

    it('webhook_render is the one generated from the spec (each event type with its render function)', async () => {
      const def = await definition(database.url, 'webhook_render');
      expect(def).toContain("WHEN 'client.created' THEN pos_client_by_id(p_org, p_id)");
      expect(def).toContain("WHEN 'ticket.created' THEN pos_ticket_by_id(p_org, p_id)");
      expect(def).not.toContain('webhook.test');
    });

    it('a boot arriving while another applies the functions waits for it: both come up (no "tuple concurrently updated")', async () => {
      // Hold the first function's pg_proc row in an open transaction, so boot A stops mid-apply.
      const holder = new pg.Client({ connectionString: database.url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('ALTER FUNCTION pos_ts(timestamptz) COST 1');
      const waiting = async () =>
        Number(
          (await query<{ n: string }>(database.url, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'aura-api-migrate' AND wait_event_type = 'Lock'`))[0].n,
        );
      const until = async (n: number) => {
        for (let i = 0; i < 500 && (await waiting()) < n; i++) await new Promise((r) => setTimeout(r, 20));
        expect(await waiting()).toBe(n);
      };
      const a = runMigrations(database.url);
      await until(1); // A blocked inside its function transaction
      const b = runMigrations(database.url);
      await until(2); // B waiting too: on the migration lock (or, without it, on the same row)
      await holder.query('ROLLBACK');
      await holder.end();
      const results = await Promise.allSettled([a, b]);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    });

    it('six instances booting at once on a migrated database all come up', async () => {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => runMigrations(database.url)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    });
  });

  it('instances booting at once on an empty database all come up: migrations once, functions applied', async () => {
    const database = await createTestDatabase({ empty: true });
    try {
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => runMigrations(database.url)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await definition(database.url, 'pos_ticket_by_id')).toContain('pos_ticket_json(t)');
    } finally {
      await database.drop();
    }
  });
});
