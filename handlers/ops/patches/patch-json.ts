// One patch's public representation, shared by the patch operations.
import type { components } from '../../../generated/openapi-types';

export type PatchJson = components['schemas']['Patch'];
export type PatchDryRunJson = components['schemas']['PatchDryRun'];

export const PATCH_COLUMNS = `id, org_id, project_id, connection_id, name, table_schema, table_name, operation, set_values,
  where_input, where_sql, allow_all_rows, max_rows, expected_rows, status, content_hash, last_dry_run, created_by, created_at, updated_at`;

export interface PatchRow {
  id: string;
  org_id: string;
  project_id: string;
  connection_id: string;
  name: string;
  table_schema: string;
  table_name: string;
  operation: PatchJson['operation'];
  set_values: Record<string, unknown>;
  where_input: string;
  where_sql: string;
  allow_all_rows: boolean;
  max_rows: number;
  expected_rows: number | null;
  status: PatchJson['status'];
  content_hash: string;
  last_dry_run: PatchDryRunJson | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** An identifier as written in SQL: bare when PostgreSQL would keep it as is, else double-quoted. */
const ident = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

/** `schema.table`, which parses back to the same pair (so it can be sent back in an update). */
export const tableText = (row: Pick<PatchRow, 'table_schema' | 'table_name'>) => `${ident(row.table_schema)}.${ident(row.table_name)}`;

export function patchJson(row: PatchRow): PatchJson {
  return {
    id: row.id,
    project_id: row.project_id,
    connection_id: row.connection_id,
    name: row.name,
    table: tableText(row),
    operation: row.operation,
    set: row.set_values,
    where: row.where_sql,
    where_input: row.where_input,
    allow_all_rows: row.allow_all_rows,
    max_rows: row.max_rows,
    expected_rows: row.expected_rows,
    status: row.status,
    content_hash: row.content_hash,
    last_dry_run: row.last_dry_run,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
