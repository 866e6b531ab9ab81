import type pg from 'pg';
import { withTransaction } from '../../src/db/transaction';

// Brute force: sign-in attempts counted per account and per address over a sliding 15 minutes.
export const WINDOW_MS = 15 * 60_000;
export const MAX_PER_ACCOUNT = 10;
export const MAX_PER_IP = 30;

// The account's lock first, then the address's: every caller takes them in that order, so two
// sign-ins never wait on each other in a cycle. A null address takes no lock (it has no limit).
const LOCK_SQL = `
  SELECT pg_advisory_xact_lock(hashtextextended('login:account:' || lower($1), 0)),
         pg_advisory_xact_lock(hashtextextended('login:ip:' || $2::text, 0))`;

// Under the locks, counting and taking the slot cannot interleave with another attempt on the
// same account or address: the row is written before the password is checked (a failure leaves
// it, a success deletes the account's rows), so at most MAX_PER_ACCOUNT guesses reach scrypt.
const TAKE_SLOT_SQL = `
  WITH recent AS (
    SELECT count(*) FILTER (WHERE lower(email) = lower($1))::int AS account,
           min(created_at) FILTER (WHERE lower(email) = lower($1)) AS account_oldest,
           count(*) FILTER (WHERE ip = $2)::int AS ip,
           min(created_at) FILTER (WHERE ip = $2) AS ip_oldest
      FROM login_failures
     WHERE created_at > $3 AND (lower(email) = lower($1) OR ip = $2)
  ), slot AS (
    INSERT INTO login_failures (email, ip, created_at)
    SELECT $1, $2, $4 FROM recent WHERE account < ${MAX_PER_ACCOUNT} AND ip < ${MAX_PER_IP}
    RETURNING id
  )
  SELECT recent.*, EXISTS (SELECT 1 FROM slot) AS taken FROM recent`;

/** Takes one attempt slot, or says in how many seconds one frees up. */
export async function takeAttemptSlot(
  db: pg.Pool,
  email: string,
  ip: string | null,
  now: Date,
): Promise<{ taken: true } | { taken: false; retryAfterSeconds: number }> {
  const row = await withTransaction(db, async (tx) => {
    await tx.query(LOCK_SQL, [email, ip]);
    const { rows } = await tx.query(TAKE_SLOT_SQL, [email, ip, new Date(now.getTime() - WINDOW_MS), now]);
    return rows[0];
  });
  if (row.taken) return { taken: true };
  // A slot frees when the oldest attempt counted against a full limit leaves the window.
  const frees = [row.account >= MAX_PER_ACCOUNT && row.account_oldest, row.ip >= MAX_PER_IP && row.ip_oldest]
    .filter((d): d is Date => d instanceof Date)
    .map((d) => d.getTime() + WINDOW_MS);
  return { taken: false, retryAfterSeconds: Math.max(1, Math.ceil((Math.max(...frees) - now.getTime()) / 1000)) };
}

/** After a successful sign-in the account's count starts again from zero. */
export async function clearAccountAttempts(tx: pg.PoolClient, email: string): Promise<void> {
  await tx.query('DELETE FROM login_failures WHERE lower(email) = lower($1)', [email]);
}

// A failed sign-in is recorded in the audit log of the organisation it aimed at: the one named by
// `organisation` when the account belongs to it, else every organisation the account belongs to.
// An email that matches no user belongs to no organisation, so it is recorded nowhere (the audit
// log is per organisation); it still counts against the address's limit. Nobody is signed in, so
// the actor is `system`; the target is the account tried. The password is never recorded.
// The statement runs for unknown emails too (inserting nothing): the same work either way.
const AUDIT_FAILURE_SQL = `
  INSERT INTO audit_events (org_id, actor_type, actor_id, action, target_type, target_id, ip, metadata)
  SELECT m.org_id, 'system', NULL, 'auth.login_failed', 'user', u.id, $3, jsonb_build_object('email', u.email)
    FROM users u
    JOIN memberships m ON m.user_id = u.id
    JOIN organisations o ON o.id = m.org_id
   WHERE lower(u.email) = lower($1)
     AND ($2::text IS NULL OR o.slug = $2 OR NOT EXISTS (
           SELECT 1 FROM memberships m2 JOIN organisations o2 ON o2.id = m2.org_id
            WHERE m2.user_id = u.id AND o2.slug = $2))`;

export async function auditFailedSignIn(db: pg.Pool, email: string, organisation: string | null, ip: string | null): Promise<void> {
  await db.query(AUDIT_FAILURE_SQL, [email, organisation, ip]);
}
