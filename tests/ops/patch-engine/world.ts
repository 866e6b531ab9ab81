// The patch engine's tests: the API's own database (cloned from the migrated template) and a
// fresh, empty target database per test, on the same server, dropped afterwards.
import pg from 'pg';
import { createOrg } from '../../helpers/factories';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../../helpers/db';
import { canonicalizePatch, contentHash, PatchRunError, type CanonicalPatch, type PatchInput } from '../../../handlers/ops/patches/engine';

export interface ApiWorld {
  db: TestDatabase;
  pool: pg.Pool;
  orgId: string;
  projectId: string;
  connectionId: string;
}

export async function createApiWorld(): Promise<ApiWorld> {
  const db = await createTestDatabase();
  const pool = ignoreTeardownTermination(new pg.Pool({ connectionString: db.url, max: 4 }));
  const org = await createOrg(pool);
  const project = await pool.query<{ id: string }>(`INSERT INTO projects (org_id, name) VALUES ($1, 'Patches') RETURNING id`, [org.id]);
  const conn = await pool.query<{ id: string }>(
    `INSERT INTO connections (org_id, project_id, name, environment, host, port, database, username, ssl_mode)
     VALUES ($1, $2, 'target', 'production', '127.0.0.1', 5432, 'target', 'postgres', 'disable') RETURNING id`,
    [org.id, project.rows[0].id],
  );
  return { db, pool, orgId: org.id, projectId: project.rows[0].id, connectionId: conn.rows[0].id };
}

export async function closeApiWorld(w: ApiWorld | undefined): Promise<void> {
  if (!w) return;
  await w.pool.end();
  await w.db.drop();
}

export interface Target {
  db: TestDatabase;
  client: pg.Client;
  /** A second session, for changes "by someone else" and for checks. */
  other: pg.Client;
}

export async function createTarget(setupSql: string): Promise<Target> {
  const db = await createTestDatabase({ empty: true });
  const client = new pg.Client({ connectionString: db.url, statement_timeout: 60_000, lock_timeout: 2_000 });
  const other = new pg.Client({ connectionString: db.url });
  await client.connect();
  await other.connect();
  client.on('error', () => undefined);
  await other.query(setupSql);
  return { db, client, other };
}

export async function closeTarget(t: Target | undefined): Promise<void> {
  if (!t) return;
  await t.client.end().catch(() => undefined);
  await t.other.end().catch(() => undefined);
  await t.db.drop();
}

/** md5 of the table's rows in key order: equal checksums, equal contents. */
export async function checksum(c: pg.Client, table: string, orderBy = 'id'): Promise<string> {
  // The alias is unlikely as a column name: `x::text` would read a column named x, not the row.
  const r = await c.query<{ md5: string | null }>(
    `SELECT md5(coalesce(string_agg(cs_row::text, E'\\n' ORDER BY ${orderBy}), '')) AS md5 FROM ${table} AS cs_row`,
  );
  return r.rows[0].md5!;
}

/** A stored patch row (as the #18 endpoints will write it) and its canonical form. */
export async function storePatch(w: ApiWorld, input: Omit<PatchInput, 'connection_id'>): Promise<{ id: string; patch: CanonicalPatch }> {
  const patch = await canonicalizePatch({ ...input, connection_id: w.connectionId });
  const r = await w.pool.query<{ id: string }>(
    `INSERT INTO patches (org_id, project_id, connection_id, name, table_schema, table_name, operation, set_values,
                          where_input, where_sql, allow_all_rows, max_rows, expected_rows, content_hash)
     VALUES ($1, $2, $3, 'test patch', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
    [w.orgId, w.projectId, w.connectionId, patch.table.schema, patch.table.name, patch.operation, JSON.stringify(patch.set),
      input.where ?? '', patch.where, patch.allowAllRows, patch.maxRows, patch.expectedRows, contentHash(patch)],
  );
  return { id: r.rows[0].id, patch };
}

export async function executionState(w: ApiWorld, id: string) {
  const r = await w.pool.query(
    `SELECT state, decided_by, error_code, affected_rows, (SELECT count(*)::int FROM patch_changes WHERE execution_id = e.id) AS changes
       FROM patch_executions e WHERE id = $1`,
    [id],
  );
  return r.rows[0] as { state: string; decided_by: string | null; error_code: string | null; affected_rows: number | null; changes: number };
}

/** The PatchRunError the promise rejects with (fails the test when it resolves or throws anything else). */
export async function runError(promise: Promise<unknown>): Promise<PatchRunError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PatchRunError);
    return err as PatchRunError;
  }
  throw new Error('expected a PatchRunError');
}
