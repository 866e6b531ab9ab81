// The content hash binds dry-runs and approvals to exactly what will run: any change to the
// connection, table, operation, values, canonical WHERE or row limits gives another hash.
import { createHash } from 'node:crypto';
import type { CanonicalPatch } from './patch-spec';

/** JSON with object keys sorted at every level, so equal content always serialises the same way. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function contentHash(p: CanonicalPatch): string {
  const canonical = {
    v: 1,
    connection_id: p.connectionId,
    table: [p.table.schema, p.table.name],
    operation: p.operation,
    set: p.set,
    where: p.where,
    allow_all_rows: p.allowAllRows,
    max_rows: p.maxRows,
    expected_rows: p.expectedRows,
  };
  return createHash('sha256').update(stableStringify(canonical)).digest('hex');
}
