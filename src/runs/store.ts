// The runs queue's SQL: enqueue, claim under a lease (FOR UPDATE SKIP LOCKED), renew the lease by
// heartbeat, finish, request a cancel, sweep runs whose worker is gone, and the event log.
// Leases are in the database's clock (now()), so workers on several machines never compare clocks.
import type pg from 'pg';

type Db = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Every worker LISTENs here: 'queued' (a run to claim) or 'cancel:<run id>'. */
export const RUNS_CHANNEL = 'runs';

export type RunStatus = 'queued' | 'running' | 'cancelling' | 'succeeded' | 'failed' | 'cancelled';
export const FINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface ClaimedRun {
  id: string;
  org_id: string;
  project_id: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  params: Record<string, unknown>;
  attempts: number;
}

export interface NewRun {
  orgId: string;
  projectId: string;
  kind: string;
  subjectType: string;
  subjectId: string;
  params?: Record<string, unknown>;
  actor: { type: 'user' | 'api_key' | 'system'; id: string | null; metadata?: Record<string, string> };
}

/** Queues a run and wakes the workers at commit (NOTIFY is delivered when the transaction commits). */
export async function enqueueRun(db: Db, run: NewRun): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO runs (org_id, project_id, kind, subject_type, subject_id, params, actor_type, actor_id, actor_metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [run.orgId, run.projectId, run.kind, run.subjectType, run.subjectId, run.params ?? {}, run.actor.type, run.actor.id, run.actor.metadata ?? {}],
  );
  await appendEvent(db, rows[0].id, 'info', 'Run queued', { kind: run.kind });
  await db.query('SELECT pg_notify($1, $2)', [RUNS_CHANNEL, 'queued']);
  return rows[0].id;
}

// SKIP LOCKED: concurrent workers take different runs and never wait for each other; a worker
// only takes the kinds it knows (another deployment's worker may know more).
const CLAIM_SQL = `
  WITH next AS (
    SELECT id FROM runs
     WHERE status = 'queued' AND kind = ANY($1::text[])
     ORDER BY created_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED
  )
  UPDATE runs r
     SET status = 'running', claimed_by = $3, attempts = r.attempts + 1,
         lease_until = now() + $4 * interval '1 millisecond', heartbeat_at = now(),
         started_at = coalesce(r.started_at, now())
    FROM next WHERE r.id = next.id
  RETURNING r.id, r.org_id, r.project_id, r.kind, r.subject_type, r.subject_id, r.params, r.attempts`;

export async function claimRuns(db: Db, opts: { kinds: string[]; limit: number; workerId: string; leaseMs: number }): Promise<ClaimedRun[]> {
  if (opts.limit <= 0 || opts.kinds.length === 0) return [];
  const { rows } = await db.query<ClaimedRun>({ name: 'runs_claim', text: CLAIM_SQL, values: [opts.kinds, opts.limit, opts.workerId, opts.leaseMs] });
  return rows;
}

/**
 * Renews the leases of the runs this worker holds. Answers each still-held run's status (a
 * 'cancelling' one is to be stopped); a run missing from the answer is no longer this worker's
 * (its lease expired and the sweep finished it).
 */
export async function heartbeat(db: Db, opts: { workerId: string; runIds: string[]; leaseMs: number }): Promise<Map<string, RunStatus>> {
  if (opts.runIds.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; status: RunStatus }>({
    name: 'runs_heartbeat',
    text: `UPDATE runs SET lease_until = now() + $3 * interval '1 millisecond', heartbeat_at = now()
            WHERE claimed_by = $1 AND id = ANY($2::uuid[]) AND status IN ('running', 'cancelling')
           RETURNING id, status`,
    values: [opts.workerId, opts.runIds, opts.leaseMs],
  });
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** The run's target session, for a cancel (this worker) or the sweep (any worker) to stop. */
export async function recordTargetBackend(db: Db, runId: string, workerId: string, pid: number, connectionId: string): Promise<void> {
  await db.query('UPDATE runs SET target_backend_pid = $3, target_connection_id = $4 WHERE id = $1 AND claimed_by = $2', [runId, workerId, pid, connectionId]);
}

export async function recordProgress(db: Db, runId: string, workerId: string, progress: { phase: string; done: number; total: number | null; unit: string }): Promise<void> {
  await db.query('UPDATE runs SET progress = $3 WHERE id = $1 AND claimed_by = $2', [runId, workerId, progress]);
}

export type Outcome = { ok: true; result: Record<string, unknown> } | { ok: false; code: string; message: string };

/**
 * The executor's outcome. A failure of a run being cancelled is its cancellation. Null when the
 * run is no longer this worker's (the sweep got there first).
 */
export async function finishRun(db: Db, runId: string, workerId: string, outcome: Outcome): Promise<RunStatus | null> {
  const { rows } = await db.query<{ status: RunStatus }>(
    outcome.ok
      ? {
          text: `UPDATE runs SET status = 'succeeded', result = $3, finished_at = now(), claimed_by = NULL, lease_until = NULL
                  WHERE id = $1 AND claimed_by = $2 AND status IN ('running', 'cancelling') RETURNING status`,
          values: [runId, workerId, outcome.result],
        }
      : {
          text: `UPDATE runs
                    SET status = CASE WHEN status = 'cancelling' THEN 'cancelled' ELSE 'failed' END,
                        error_code = CASE WHEN status = 'cancelling' THEN NULL ELSE $3 END,
                        error_message = CASE WHEN status = 'cancelling' THEN NULL ELSE $4 END,
                        finished_at = now(), claimed_by = NULL, lease_until = NULL
                  WHERE id = $1 AND claimed_by = $2 AND status IN ('running', 'cancelling') RETURNING status`,
          values: [runId, workerId, outcome.code, outcome.message],
        },
  );
  return rows[0]?.status ?? null;
}

/**
 * Asks for a run to stop: a queued run is cancelled at once; a running one becomes 'cancelling'
 * and its worker (woken by NOTIFY at commit, or at its next heartbeat) stops the target query.
 * Null when the run is already finished.
 */
export async function requestCancel(db: Db, runId: string, orgId: string): Promise<RunStatus | null> {
  const { rows } = await db.query<{ status: RunStatus }>(
    `UPDATE runs
        SET status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE 'cancelling' END,
            cancel_requested_at = coalesce(cancel_requested_at, now()),
            finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END
      WHERE id = $1 AND org_id = $2 AND status IN ('queued', 'running', 'cancelling')
      RETURNING status`,
    [runId, orgId],
  );
  const status = rows[0]?.status ?? null;
  if (status === 'cancelling') await db.query('SELECT pg_notify($1, $2)', [RUNS_CHANNEL, `cancel:${runId}`]);
  return status;
}

export interface LostRun {
  id: string;
  org_id: string;
  project_id: string;
  status: RunStatus;
  target_backend_pid: number | null;
  target_connection_id: string | null;
}

export const WORKER_LOST_MESSAGE = 'The worker running it stopped renewing its lease (it crashed or lost the database); the run did not finish';

/** Runs whose lease expired: failed with WORKER_LOST (a run being cancelled: cancelled). */
export async function sweepLost(db: Db): Promise<LostRun[]> {
  const { rows } = await db.query<LostRun>({
    name: 'runs_sweep_lost',
    text: `WITH lost AS (
             SELECT id FROM runs WHERE status IN ('running', 'cancelling') AND lease_until < now()
              FOR UPDATE SKIP LOCKED
           )
           UPDATE runs r
              SET status = CASE WHEN r.status = 'cancelling' THEN 'cancelled' ELSE 'failed' END,
                  error_code = CASE WHEN r.status = 'cancelling' THEN NULL ELSE 'WORKER_LOST' END,
                  error_message = CASE WHEN r.status = 'cancelling' THEN NULL ELSE $1 END,
                  finished_at = now(), claimed_by = NULL, lease_until = NULL
             FROM lost WHERE r.id = lost.id
           RETURNING r.id, r.org_id, r.project_id, r.status, r.target_backend_pid, r.target_connection_id`,
    values: [WORKER_LOST_MESSAGE],
  });
  for (const r of rows) await appendEvent(db, r.id, 'error', 'Worker lost: the lease expired', { code: 'WORKER_LOST', status: r.status });
  return rows;
}

/** One entry of the run's log; seq from the run's counter, bumped in the same statement. */
export async function appendEvent(db: Db, runId: string, level: 'debug' | 'info' | 'warning' | 'error', message: string, data: Record<string, unknown> = {}): Promise<void> {
  await db.query({
    name: 'runs_append_event',
    text: `WITH s AS (UPDATE runs SET last_event_seq = last_event_seq + 1 WHERE id = $1 RETURNING id, last_event_seq)
           INSERT INTO run_events (run_id, seq, level, message, data) SELECT id, last_event_seq, $2, $3, $4 FROM s`,
    values: [runId, level, message.slice(0, 2000), data],
  });
}

/** Idempotency keys past their 24 h (batched). */
export async function purgeIdempotencyKeys(db: Db, batch = 1000): Promise<number> {
  const { rowCount } = await db.query(
    'DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT $1)',
    [batch],
  );
  return rowCount ?? 0;
}
