// The opaque `cursor` of keyset-paginated lists: base64url of a JSON array — a tag naming the
// list and its order, then the last row's order key, each value as text in a canonical form.
//
// Validated, not signed: it holds only what the last item already shows (e.g. its created_at and
// id), and every filter — the organisation first — is applied again on each request, so a forged
// cursor can only start the walk elsewhere in the caller's own list. What is checked: the shape,
// the tag (a cursor of another list or order is refused), and each value against its SQL type,
// so a bad cursor is a 400 naming `cursor` before any SQL runs.
import { createHash } from 'node:crypto';
import { ApiError } from '../errors';

export type KeyType = 'timestamptz' | 'uuid' | 'bigint' | 'text';

/** The SQL that renders a key column as the cursor's canonical text. */
export function keyText(expr: string, type: KeyType): string {
  switch (type) {
    // Microseconds, in UTC: a JS Date (milliseconds) would lose the order between close rows.
    case 'timestamptz':
      return `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    default:
      return `${expr}::text`;
  }
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function valid(value: unknown, type: KeyType): boolean {
  if (typeof value !== 'string') return false;
  switch (type) {
    case 'timestamptz': {
      const m = TIMESTAMP.exec(value);
      // Round trip: Date.parse rolls 30 February over to March instead of refusing it.
      return m !== null && !Number.isNaN(Date.parse(`${m[1]}Z`)) && new Date(`${m[1]}Z`).toISOString() === `${m[1]}Z`;
    }
    case 'uuid':
      return UUID.test(value);
    case 'bigint':
      return /^-?\d{1,18}$/.test(value);
    case 'text':
      return !value.includes('\u0000');
  }
}

/** A short tag for a list and its order: a cursor is only read by the list that wrote it. */
export function cursorTag(identity: string): string {
  return createHash('sha256').update(identity).digest('base64url').slice(0, 8);
}

export function encodeCursor(tag: string, key: readonly string[]): string {
  return Buffer.from(JSON.stringify([tag, ...key])).toString('base64url');
}

const malformed = (why: string) =>
  new ApiError('VALIDATION_ERROR', `cursor is not one this list gave out (${why}); pass a next_cursor unchanged`, {
    details: [{ loc: ['query', 'cursor'], msg: why, type: 'format' }],
  });

/** The order key a cursor carries, checked against the list's tag and key types. */
export function decodeCursor(cursor: string, tag: string, types: readonly KeyType[]): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed('not a cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== types.length + 1) throw malformed('not a cursor');
  if (parsed[0] !== tag) throw malformed('from another list or order');
  const key = parsed.slice(1);
  if (!key.every((v, i) => valid(v, types[i]))) throw malformed('a value is out of shape');
  return key as string[];
}
