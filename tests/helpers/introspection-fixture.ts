// Introspection's test ground: a target database per test file (on the test server, beside the
// API's), the fixture schema with every object kind, direct-insert rows for a connection and its
// `introspect` run (the connections and runs endpoints belong to other parts of issue 17), and a
// RunContext built by hand — the executor's unit test; src/runs/ provides the real one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { RunContext } from '../../src/module';
import { createLogger } from '../../src/logger';
import { createTestDatabase, type TestDatabase } from './db';

export const FIXTURE_SQL = readFileSync(join(__dirname, '../ops/fixtures/introspection-fixture.sql'), 'utf8');

/** An empty database on the test server, optionally with the fixture schema. */
export async function createTarget(opts: { fixture?: boolean } = {}): Promise<TestDatabase & { query: (sql: string) => Promise<pg.QueryResult> }> {
  const db = await createTestDatabase({ empty: true });
  const query = async (sql: string) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  if (opts.fixture) await query(FIXTURE_SQL);
  return { ...db, query };
}

/** A client on the target, like the runs' connector gives (read-only session). */
export async function connectTo(url: string, opts: { readOnly?: boolean } = {}): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: 'aura-test/introspection' });
  await c.connect();
  if (opts.readOnly) await c.query('SET default_transaction_read_only = on');
  return c;
}

type Db = pg.Pool | pg.PoolClient;

/** A project of the organisation. */
export async function insertProject(db: Db, orgId: string, name = `Project ${Math.random().toString(16).slice(2, 8)}`): Promise<string> {
  const { rows } = await db.query(`INSERT INTO projects (org_id, name) VALUES ($1, $2) RETURNING id`, [orgId, name]);
  return rows[0].id;
}

/** A connection row pointing at the target database (no password: the test server trusts loopback, or the test passes it). */
export async function insertConnection(db: Db, orgId: string, projectId: string, target: TestDatabase | { url: string; name: string }): Promise<string> {
  const u = new URL(target.url);
  const { rows } = await db.query(
    `INSERT INTO connections (org_id, project_id, name, environment, host, port, database, username, ssl_mode)
     VALUES ($1, $2, $3, 'development', $4, $5, $6, $7, 'disable') RETURNING id`,
    [orgId, projectId, `conn ${target.name}`, u.hostname, Number(u.port || 5432), target.name, decodeURIComponent(u.username)],
  );
  return rows[0].id;
}

/** A running `introspect` run on the connection. */
export async function insertIntrospectRun(db: Db, orgId: string, projectId: string, connectionId: string): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO runs (org_id, project_id, kind, subject_type, subject_id, status, actor_type, started_at)
     VALUES ($1, $2, 'introspect', 'connection', $3, 'running', 'system', now()) RETURNING id`,
    [orgId, projectId, connectionId],
  );
  return rows[0].id;
}

export interface RecordingRunContext extends RunContext {
  progressCalls: Array<{ phase: string; done: number; total: number | null; unit: string }>;
  events: Array<{ level: string; message: string; data?: Record<string, unknown> }>;
  connectCalls: Array<{ connectionId: string; opts?: { readOnly?: boolean } }>;
  /** Make the next throwIfCancelled throw (as the runtime does once a cancel is requested). */
  cancel(): void;
  /** Ends the target sessions opened (the runtime does it when the run ends). */
  end(): Promise<void>;
}

export class TestCancellation extends Error {}

/**
 * A RunContext over the real API database and the real target: connectTarget reads the
 * connection row (org-scoped) and connects to it with the test server's password.
 */
export function recordingRunContext(
  apiDb: pg.Pool,
  run: { id: string; orgId: string; projectId: string; subjectId: string; subjectType?: string },
  opts: { onConnect?: (c: pg.Client) => Promise<void> } = {},
): RecordingRunContext {
  const clients: pg.Client[] = [];
  let cancelled = false;
  const controller = new AbortController();
  const rc: RecordingRunContext = {
    run: { id: run.id, orgId: run.orgId, projectId: run.projectId, kind: 'introspect', subjectType: run.subjectType ?? 'connection', subjectId: run.subjectId, params: {} },
    db: apiDb,
    log: createLogger('silent'),
    progressCalls: [],
    events: [],
    connectCalls: [],
    async connectTarget(connectionId, o) {
      rc.connectCalls.push({ connectionId, opts: o });
      const { rows } = await apiDb.query(`SELECT host, port, database, username FROM connections WHERE org_id = $1 AND id = $2`, [run.orgId, connectionId]);
      if (rows.length === 0) throw new Error('connection not found');
      const admin = new URL(process.env.AURA_TEST_ADMIN_URL!);
      const c = new pg.Client({
        host: rows[0].host, port: rows[0].port, database: rows[0].database, user: rows[0].username,
        password: decodeURIComponent(admin.password) || undefined, application_name: `auralith/run/${run.id}`,
      });
      await c.connect();
      if (o?.readOnly) await c.query('SET default_transaction_read_only = on');
      clients.push(c);
      await opts.onConnect?.(c);
      return c;
    },
    async progress(p) {
      rc.progressCalls.push(p);
      await apiDb.query(`UPDATE runs SET progress = $2 WHERE id = $1`, [run.id, JSON.stringify(p)]);
    },
    async event(level, message, data) {
      rc.events.push({ level, message, data });
    },
    async throwIfCancelled() {
      if (cancelled) throw new TestCancellation('cancelled');
    },
    signal: controller.signal,
    cancel() {
      cancelled = true;
      controller.abort();
    },
    async end() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    },
  };
  return rc;
}
