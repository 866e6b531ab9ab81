// Arranging runs tests: projects, target databases created per test on the test server, their
// connections, runs inserted straight into the queue, and an in-process run worker — the real
// one (src/runs/worker.ts) with the modules' kinds plus, when asked, the test-only `test.sleep`.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { modules } from '../../handlers';
import { createLogger } from '../../src/logger';
import type { RunExecutor } from '../../src/module';
import { runKindsOf, runRecoverersOf, targetConnectorOf } from '../../src/runs/modules';
import { startRunWorker, type RunWorker } from '../../src/runs/worker';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { sleepKind } from './fixtures/sleep-kind';
import { encryptPassword } from '../../handlers/ops/target/connection-secrets';
import { loadConfig } from '../../src/config';

type Db = pg.Pool;

export async function createProject(db: Db, orgId: string, name = `project-${randomUUID().slice(0, 8)}`): Promise<string> {
  const { rows } = await db.query('INSERT INTO projects (org_id, name) VALUES ($1, $2) RETURNING id', [orgId, name]);
  return rows[0].id;
}

export async function addProjectMember(db: Db, orgId: string, projectId: string, userId: string, role: 'owner' | 'admin' | 'developer' | 'viewer') {
  await db.query('INSERT INTO project_members (org_id, project_id, user_id, role) VALUES ($1, $2, $3, $4)', [orgId, projectId, userId, role]);
}

/** An empty database on the test server, to be a run's target. */
export const createTargetDatabase = (): Promise<TestDatabase> => createTestDatabase({ empty: true });

/**
 * A connection to a target database on the test server (loopback, the admin role), with the
 * server's password stored encrypted when it has one (the embedded PostgreSQL) — a worker process
 * has no PGPASSWORD to fall back on.
 */
export async function createConnection(db: Db, orgId: string, projectId: string, target: TestDatabase): Promise<string> {
  const u = new URL(target.url);
  const id = randomUUID();
  const password = u.password ? encryptPassword(loadConfig({ NODE_ENV: 'test' }), id, decodeURIComponent(u.password)) : null;
  const { rows } = await db.query(
    `INSERT INTO connections (id, org_id, project_id, name, environment, host, port, database, username, password_encrypted, ssl_mode)
     VALUES ($1, $2, $3, $4, 'development', $5, $6, $7, $8, $9, 'disable') RETURNING id`,
    [id, orgId, projectId, `target ${target.name} ${id.slice(0, 8)}`, u.hostname, Number(u.port || 5432), target.name, decodeURIComponent(u.username), password],
  );
  return rows[0].id;
}

export async function insertRun(
  db: Db,
  opts: { orgId: string; projectId: string; subjectId?: string; kind?: string; status?: string; createdAt?: Date; errorCode?: string },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO runs (org_id, project_id, kind, subject_type, subject_id, status, actor_type, created_at, error_code, error_message,
                       finished_at)
     VALUES ($1, $2, $3, 'connection', $4, $5::text, 'system', $6::timestamptz, $7::text, CASE WHEN $7::text IS NULL THEN NULL ELSE 'failed' END,
             CASE WHEN $5::text IN ('succeeded', 'failed', 'cancelled') THEN $6::timestamptz END) RETURNING id`,
    [opts.orgId, opts.projectId, opts.kind ?? 'introspect', opts.subjectId ?? randomUUID(), opts.status ?? 'queued', opts.createdAt ?? new Date(), opts.errorCode ?? null],
  );
  await db.query('SELECT pg_notify(\'runs\', \'queued\')');
  return rows[0].id;
}

/** The real run worker in this process, on `db`, with a short tick and lease so tests wait little. */
export function startTestWorker(db: Db, opts: { sleep?: boolean; leaseMs?: number; pollMs?: number; kinds?: Record<string, RunExecutor> } = {}): RunWorker {
  const kinds = opts.kinds ?? runKindsOf(modules, opts.sleep ? { 'test.sleep': sleepKind } : {});
  return startRunWorker({
    pool: db,
    log: createLogger(process.env.LOG_LEVEL ?? 'silent'),
    config: { runPollMs: opts.pollMs ?? 100, runLeaseMs: opts.leaseMs ?? 5000, runWorkerConcurrency: 4 },
    kinds,
    connector: targetConnectorOf(modules),
    recoverers: runRecoverersOf(modules),
  });
}

/** Polls `probe` until it returns a value (not undefined), at most `timeoutMs`; no fixed sleep stands in for the condition. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sessions on the server running this run's target work (pg_stat_activity covers every database). */
export async function targetBackends(db: Db, runId: string): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [`auralith/run/${runId}`]);
  return rows[0].n;
}
