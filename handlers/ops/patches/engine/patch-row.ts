// The few columns of a stored patch the engine needs after execute (the table and operation).
import type pg from 'pg';
import { PatchRunError } from './errors';
import type { TableName } from './identifiers';

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
