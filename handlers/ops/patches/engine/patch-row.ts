// Stored patches (sql/migrations/12_patches.sql) as the engine reads them.
import type pg from 'pg';
import { contentHash } from './content-hash';
import { PatchRunError } from './errors';
import { quoteTable, type TableName } from './identifiers';
import { canonicalizePatch, type CanonicalPatch } from './patch-spec';

export interface StoredPatchTarget {
  table: TableName;
  operation: 'update' | 'delete';
}

export async function loadPatchTarget(api: pg.Pool, patchId: string): Promise<StoredPatchTarget> {
  const res = await api.query<{ table_schema: string; table_name: string; operation: 'update' | 'delete' }>(
    'SELECT table_schema, table_name, operation FROM patches WHERE id = $1',
    [patchId],
  );
  if (res.rowCount === 0) throw new PatchRunError('PATCH_NOT_FOUND', 'no such patch');
  const r = res.rows[0];
  return { table: { schema: r.table_schema, name: r.table_name }, operation: r.operation };
}

export interface StoredPatch {
  id: string;
  orgId: string;
  contentHash: string;
  patch: CanonicalPatch;
}

/**
 * A stored patch in canonical form, re-derived from its columns through the same checks as at
 * creation (the canonical WHERE re-parses to itself). A row whose recomputed hash differs from
 * its content_hash was altered outside the engine: refused.
 */
export async function loadPatch(api: pg.Pool, patchId: string): Promise<StoredPatch> {
  const res = await api.query<{
    id: string; org_id: string; connection_id: string; table_schema: string; table_name: string; operation: 'update' | 'delete';
    set_values: Record<string, unknown>; where_sql: string; allow_all_rows: boolean; max_rows: number; expected_rows: number | null; content_hash: string;
  }>(
    `SELECT id, org_id, connection_id, table_schema, table_name, operation, set_values, where_sql, allow_all_rows, max_rows,
            expected_rows, content_hash FROM patches WHERE id = $1`,
    [patchId],
  );
  if (res.rowCount === 0) throw new PatchRunError('PATCH_NOT_FOUND', 'no such patch');
  const r = res.rows[0];
  const patch = await canonicalizePatch({
    connection_id: r.connection_id,
    table: `${quoteTable({ schema: r.table_schema, name: r.table_name })}`,
    operation: r.operation,
    set: r.operation === 'update' ? r.set_values : undefined,
    where: r.where_sql === 'TRUE' && r.allow_all_rows ? '' : r.where_sql,
    allow_all_rows: r.allow_all_rows,
    max_rows: r.max_rows,
    expected_rows: r.expected_rows,
  });
  if (contentHash(patch) !== r.content_hash) throw new PatchRunError('PATCH_CHANGED', 'the stored patch does not match its content hash');
  return { id: r.id, orgId: r.org_id, contentHash: r.content_hash, patch };
}
