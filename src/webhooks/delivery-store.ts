// The delivery queue's SQL: claim due deliveries under a lease, record an attempt's outcome,
// disable an endpoint (with its audit event), purge what retention no longer keeps.
import type pg from 'pg';
import { withTransaction } from '../db/transaction';
import { FAILING_ENDPOINT_DISABLE_MS, nextAttemptAt, RETENTION_MS } from './retry-schedule';
import type { SendOutcome } from './sender';

type Db = pg.Pool | pg.PoolClient;

/** A worker's hold on a delivery while it attempts it: long enough for the 15 s timeout, with margin. */
export const LEASE_MS = 60_000;

export interface ClaimedDelivery {
  id: string;
  org_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  event_id: string;
  event_type: string;
  event_data: unknown;
  event_created_at: Date;
  endpoint_id: string;
  url: string;
  secret_encrypted: Buffer;
  previous_secret_encrypted: Buffer | null;
  previous_secret_expires_at: Date | null;
}

const CLAIMED_COLUMNS = `c.id, c.org_id, c.status, c.attempts,
  e.id AS event_id, e.type AS event_type, e.data AS event_data, e.created_at AS event_created_at,
  p.id AS endpoint_id, p.url, p.secret_encrypted, p.previous_secret_encrypted, p.previous_secret_expires_at`;

// SKIP LOCKED: concurrent workers each take different rows, none waits for another. The lease
// (next_attempt_at pushed forward) keeps the rows out of everyone's claim after this commits.
const CLAIM_DUE_SQL = `
  WITH due AS (
    SELECT id FROM webhook_deliveries
     WHERE status = 'pending' AND next_attempt_at <= $1
     ORDER BY next_attempt_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED
  ), c AS (
    UPDATE webhook_deliveries d
       SET next_attempt_at = $1::timestamptz + $3 * interval '1 millisecond',
           claimed_until = $1::timestamptz + $3 * interval '1 millisecond',
           claimed_by = $4
      FROM due WHERE d.id = due.id
    RETURNING d.*
  )
  SELECT ${CLAIMED_COLUMNS}
    FROM c JOIN webhook_events e ON e.id = c.event_id JOIN webhook_endpoints p ON p.id = c.endpoint_id`;

export async function claimDue(db: Db, opts: { now: Date; limit: number; workerId: string }): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query({ name: 'webhook_claim_due', text: CLAIM_DUE_SQL, values: [opts.now, opts.limit, LEASE_MS, opts.workerId] });
  return rows;
}

/**
 * One delivery, for an attempt made now by an API request (manual retry, test). Null when it is
 * not there; 'busy' when someone holds its lease.
 */
export async function claimOne(
  db: Db,
  opts: { now: Date; deliveryId: string; endpointId: string; orgId: string; claimant: string },
): Promise<ClaimedDelivery | 'busy' | null> {
  const { rows } = await db.query(
    `WITH c AS (
       UPDATE webhook_deliveries
          SET claimed_by = $5, claimed_until = $1::timestamptz + $6 * interval '1 millisecond',
              next_attempt_at = CASE WHEN status = 'pending' THEN $1::timestamptz + $6 * interval '1 millisecond' END
        WHERE id = $2 AND endpoint_id = $3 AND org_id = $4 AND (claimed_until IS NULL OR claimed_until <= $1)
       RETURNING *
     )
     SELECT ${CLAIMED_COLUMNS} FROM c JOIN webhook_events e ON e.id = c.event_id JOIN webhook_endpoints p ON p.id = c.endpoint_id`,
    [opts.now, opts.deliveryId, opts.endpointId, opts.orgId, opts.claimant, LEASE_MS],
  );
  if (rows[0]) return rows[0];
  const exists = await db.query('SELECT 1 FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2 AND org_id = $3', [opts.deliveryId, opts.endpointId, opts.orgId]);
  return exists.rowCount ? 'busy' : null;
}

export interface RecordMode {
  /** Schedule another attempt after a failure (worker, or a manual retry of a pending delivery). */
  retries: boolean;
  /** Count towards the endpoint's failure streak, and let a 410 disable it (not for tests). */
  affectsEndpoint: boolean;
  random?: () => number;
}

/** What became of the delivery. 'lost' when the lease had passed to another worker meanwhile. */
export type Recorded = 'delivered' | 'retrying' | 'failed' | 'lost';

// The common case in one statement (one round trip, one commit): delivered, and the endpoint's
// failure streak, if any, ended.
const RECORD_SUCCESS_SQL = `
  WITH d AS (
    UPDATE webhook_deliveries
       SET status = 'delivered', attempts = attempts + 1, next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL,
           last_attempt_at = $3, last_status_code = $4, last_error = NULL, last_duration_ms = $5, last_response_body = $6,
           delivered_at = $3, failed_at = NULL
     WHERE id = $1 AND claimed_by = $2
    RETURNING endpoint_id
  ), e AS (
    UPDATE webhook_endpoints p SET failing_since = NULL FROM d
     WHERE $7 AND p.id = d.endpoint_id AND p.failing_since IS NOT NULL
  )
  SELECT count(*)::int AS n FROM d`;

export async function recordOutcome(pool: pg.Pool, claim: ClaimedDelivery, claimant: string, outcome: SendOutcome, now: Date, mode: RecordMode): Promise<Recorded> {
  if (outcome.ok) {
    const { rows } = await pool.query({
      name: 'webhook_record_success',
      text: RECORD_SUCCESS_SQL,
      values: [claim.id, claimant, now, outcome.statusCode, outcome.durationMs, outcome.responseBody, mode.affectsEndpoint],
    });
    return rows[0].n ? 'delivered' : 'lost';
  }
  return withTransaction(pool, (client) => recordFailure(client, claim, claimant, outcome, now, mode));
}

/** A failed attempt: the endpoint's streak (or a 410) may switch it off, which decides what comes next. */
async function recordFailure(db: pg.PoolClient, claim: ClaimedDelivery, claimant: string, outcome: SendOutcome, now: Date, mode: RecordMode): Promise<Recorded> {
  let endpointActive = true;
  if (mode.affectsEndpoint) {
    if (outcome.statusCode === 410) {
      await disableEndpoint(db, claim.endpoint_id, 'gone', now, { status_code: 410, host: hostOf(claim.url) });
      endpointActive = false;
    } else {
      const { rows } = await db.query(
        'UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $2) WHERE id = $1 RETURNING failing_since, active',
        [claim.endpoint_id, now],
      );
      endpointActive = rows[0]?.active ?? false;
      const since: Date | undefined = rows[0]?.failing_since;
      if (endpointActive && since && now.getTime() - since.getTime() >= FAILING_ENDPOINT_DISABLE_MS) {
        await disableEndpoint(db, claim.endpoint_id, 'failing', now, { failing_since: since.toISOString(), host: hostOf(claim.url) });
        endpointActive = false;
      }
    }
  }
  const attempts = claim.attempts + 1;
  const next = mode.retries && endpointActive ? nextAttemptAt(attempts, now, { retryAfterSeconds: outcome.retryAfterSeconds, random: mode.random }) : null;
  const status = next ? 'pending' : 'failed';
  const { rowCount } = await db.query(
    `UPDATE webhook_deliveries
        SET status = $3, attempts = $4, next_attempt_at = $5, claimed_by = NULL, claimed_until = NULL,
            last_attempt_at = $6, last_status_code = $7, last_error = $8, last_duration_ms = $9, last_response_body = $10,
            failed_at = CASE WHEN $3 = 'failed' THEN $6::timestamptz END
      WHERE id = $1 AND claimed_by = $2`,
    [claim.id, claimant, status, attempts, next, now, outcome.statusCode, outcome.error, outcome.durationMs, outcome.responseBody],
  );
  if (!rowCount) return 'lost';
  return status === 'pending' ? 'retrying' : status;
}

/** Audit metadata names the host only: a URL's path or query may carry the receiver's own token. */
function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/**
 * Turns an endpoint off on the system's decision, with an audit event; its pending deliveries are
 * failed (a manual retry can still send them). No-op when it is already off.
 */
export async function disableEndpoint(db: Db, endpointId: string, reason: 'gone' | 'failing', now: Date, metadata: Record<string, unknown>): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE webhook_endpoints SET active = false, disabled_at = $2, disabled_reason = $3
      WHERE id = $1 AND active RETURNING org_id`,
    [endpointId, now, reason],
  );
  if (!rows[0]) return false;
  await db.query(
    `INSERT INTO audit_events (org_id, actor_type, action, target_type, target_id, metadata, created_at)
     VALUES ($1, 'system', 'webhook.disabled', 'webhook', $2, $3, $4)`,
    [rows[0].org_id, endpointId, { reason, ...metadata }, now],
  );
  await failPendingDeliveries(db, endpointId, now, reason === 'gone' ? 'the endpoint answered 410 Gone and was disabled' : 'the endpoint failed for 5 days and was disabled');
  return true;
}

/** An endpoint turned off keeps no queue: its pending deliveries fail (a lease holder still records its own result). */
export async function failPendingDeliveries(db: Db, endpointId: string, now: Date, why: string): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries
        SET status = 'failed', next_attempt_at = NULL, failed_at = $2,
            last_error = CASE WHEN attempts = 0 THEN $3 ELSE last_error END
      WHERE endpoint_id = $1 AND status = 'pending'`,
    [endpointId, now, `not sent: ${why}`],
  );
}

/** Deletes finished deliveries past retention, then events no delivery refers to any more. Batched. */
export async function purgeExpired(db: Db, now: Date, batch = 1000): Promise<{ deliveries: number; events: number }> {
  const cutoff = new Date(now.getTime() - RETENTION_MS);
  const deliveries = await db.query(
    `DELETE FROM webhook_deliveries WHERE id IN (
       SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < $1 LIMIT $2)`,
    [cutoff, batch],
  );
  const events = await db.query(
    `DELETE FROM webhook_events WHERE id IN (
       SELECT e.id FROM webhook_events e
        WHERE e.created_at < $1 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
        LIMIT $2)`,
    [cutoff, batch],
  );
  return { deliveries: deliveries.rowCount ?? 0, events: events.rowCount ?? 0 };
}
