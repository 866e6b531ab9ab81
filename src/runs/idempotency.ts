// Idempotency-Key for the requests that start runs (Stripe's model): the first request with a key
// does the work and its answer is kept with the key for 24 h; the same key with the same request
// replays that answer (same status, same body); the same key with another request is a 409.
// Keys belong to one credential in one organisation (idempotency_keys, migration 11).
//
// Concurrent requests with one key: the second INSERT waits on the first's unique-index entry
// until that transaction commits, then finds the kept answer — never two runs for one key.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Principal } from '../auth/principal';
import { ApiError } from '../errors';

export interface KeptAnswer {
  status: number;
  body: Record<string, unknown>;
  replayed: boolean;
}

/** Whose key it is: a key of one credential never collides with another's. */
export function principalRef(p: Principal): string {
  if (p.kind === 'api_key') return `api_key:${p.keyId}`;
  if (p.kind === 'user') return `user:${p.userId}`;
  return `jwt:${p.issuer}#${p.subject}`;
}

/** JSON with sorted keys: the same request hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const requestHash = (operationId: string, request: { params: unknown; body: unknown }) =>
  createHash('sha256').update(canonical({ operationId, params: request.params, body: request.body ?? null })).digest();

/**
 * Runs `start` (inside `tx`, the caller's transaction) unless the key already answered. Without
 * a key, just runs it. `start` returns the answer and the run it created.
 */
export async function idempotently(
  tx: pg.PoolClient,
  opts: { principal: Principal; key: string | undefined; operationId: string; hash: Buffer },
  start: () => Promise<{ status: number; body: Record<string, unknown>; runId: string }>,
): Promise<KeptAnswer> {
  if (opts.key === undefined) {
    const { status, body } = await start();
    return { status, body, replayed: false };
  }
  const ref = principalRef(opts.principal);
  const pk = [opts.principal.orgId, ref, opts.key];
  // A key past its 24 h is free again (the worker also purges them).
  await tx.query('DELETE FROM idempotency_keys WHERE org_id = $1 AND principal_ref = $2 AND key = $3 AND expires_at <= now()', pk);
  const inserted = await tx.query(
    `INSERT INTO idempotency_keys (org_id, principal_ref, key, operation_id, request_hash)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [...pk, opts.operationId, opts.hash],
  );
  if (inserted.rowCount === 1) {
    const { status, body, runId } = await start();
    await tx.query(
      'UPDATE idempotency_keys SET run_id = $4, response_status = $5, response_body = $6 WHERE org_id = $1 AND principal_ref = $2 AND key = $3',
      [...pk, runId, status, body],
    );
    return { status, body, replayed: false };
  }
  const { rows } = await tx.query<{ operation_id: string; request_hash: Buffer; response_status: number | null; response_body: Record<string, unknown> | null }>(
    'SELECT operation_id, request_hash, response_status, response_body FROM idempotency_keys WHERE org_id = $1 AND principal_ref = $2 AND key = $3',
    pk,
  );
  const kept = rows[0];
  if (!kept || kept.operation_id !== opts.operationId || !kept.request_hash.equals(opts.hash)) {
    throw new ApiError('CONFLICT', 'This Idempotency-Key was already used for a different request; use a new key for a new request', {
      details: [{ loc: ['header', 'Idempotency-Key'], msg: 'already used with another request in the last 24 hours', type: 'idempotency_conflict' }],
    });
  }
  if (kept.response_status === null || kept.response_body === null) {
    throw new ApiError('CONFLICT', 'A request with this Idempotency-Key is still being processed; retry shortly');
  }
  return { status: kept.response_status, body: kept.response_body, replayed: true };
}
