// A target's error → a stable code. The server's message text is never passed on (it can hold
// data values); only names we can trust to be identifiers (constraint, column) and the SQLSTATE.
import pg from 'pg';
import { PatchRunError } from './errors';

interface PgError {
  code?: string;
  constraint?: string;
  column?: string;
  table?: string;
}

const BY_STATE: Record<string, [string, string]> = {
  '23505': ['CONSTRAINT_VIOLATION', 'a unique constraint refused the change'],
  '23503': ['CONSTRAINT_VIOLATION', 'a foreign key refused the change'],
  '23514': ['CONSTRAINT_VIOLATION', 'a check constraint refused the change'],
  '23502': ['CONSTRAINT_VIOLATION', 'a NOT NULL column would be null'],
  '23P01': ['CONSTRAINT_VIOLATION', 'an exclusion constraint refused the change'],
  '40001': ['CONCURRENT_UPDATE', 'rows changed concurrently; run it again'],
  '40P01': ['CONCURRENT_UPDATE', 'a deadlock with another transaction; run it again'],
  '55P03': ['LOCK_TIMEOUT', 'the rows or table are locked by another transaction'],
  '57014': ['STATEMENT_CANCELLED', 'the statement was cancelled or timed out'],
  '42501': ['PERMISSION_DENIED', "the connection's user lacks a privilege the patch needs"],
  '25006': ['READ_ONLY_TARGET', 'the target session is read-only'],
  '42883': ['INVALID_WHERE', 'an operator or function does not apply to these types'],
  '42804': ['INVALID_WHERE', 'where is not a boolean condition or mixes types'],
  '42703': ['UNKNOWN_COLUMN', 'a column does not exist'],
};

/**
 * Did the server itself answer with this error? Socket errors carry codes too ('EPIPE' looks
 * like a SQLSTATE), so only node-postgres's DatabaseError counts. A lost connection (08…) or a
 * terminated backend (57P…) is not an answer: a COMMIT that met one is in doubt.
 */
export function serverAnswered(err: unknown): boolean {
  return err instanceof pg.DatabaseError && typeof err.code === 'string' && !/^(08|57P)/.test(err.code);
}

export function mapTargetError(err: unknown): PatchRunError {
  if (err instanceof PatchRunError) return err;
  const e = err as PgError;
  const state = err instanceof pg.DatabaseError && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  if (!state) return new PatchRunError('TARGET_UNAVAILABLE', 'the target connection failed');
  const details: Record<string, unknown> = { sqlstate: state };
  if (e.constraint) details.constraint = e.constraint;
  if (e.column) details.column = e.column;
  const known = BY_STATE[state];
  if (known) return new PatchRunError(known[0], known[1], details);
  // Raised by a trigger (RAISE EXCEPTION) or a function it calls.
  if (state === 'P0001' || state.startsWith('P0') || state.startsWith('09')) return new PatchRunError('TRIGGER_ERROR', 'a trigger refused the change', details);
  if (state.startsWith('22')) return new PatchRunError('INVALID_VALUE', 'a value does not fit its column or the condition', details);
  if (state.startsWith('23')) return new PatchRunError('CONSTRAINT_VIOLATION', 'a constraint refused the change', details);
  if (state.startsWith('08') || state.startsWith('57P')) return new PatchRunError('TARGET_UNAVAILABLE', 'the target connection was lost', details);
  return new PatchRunError('TARGET_ERROR', 'the target refused the statement', details);
}
