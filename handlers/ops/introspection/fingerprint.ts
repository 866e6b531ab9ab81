// A snapshot's fingerprint: SHA-256 (hex) of its canonical serialisation — RFC 8785 (JCS) for
// this document: every object's keys sorted by UTF-16 code unit (JavaScript's `<` on strings),
// strings as JSON.stringify writes them, no whitespace, arrays in their (already sorted) order.
// JCS's number rules are not needed: the document holds integers only (64-bit values are text).
// A client can recompute it from `GET …/schema`'s `schema`, whatever order its JSON parser keeps.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const fingerprintOf = (document: unknown): string =>
  createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
