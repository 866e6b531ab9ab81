// One patch's public representation, shared by the patch operations.
import type { components } from '../../../generated/openapi-types';

export type PatchJson = components['schemas']['Patch'];
export type PatchDryRunJson = components['schemas']['PatchDryRun'];

export const PATCH_COLUMNS = `id, org_id, project_id, connection_id, name, table_schema, table_name, operation, set_values,
  where_input, where_sql, allow_all_rows, max_rows, expected_rows, status, content_hash, last_dry_run, created_by, created_at, updated_at,
  ops_patch_json(patches) AS json`;

export interface PatchRow {
  id: string;
  org_id: string;
  project_id: string;
  connection_id: string;
  name: string;
  table_schema: string;
  table_name: string;
  /** The public representation, rendered by ops_patch_json (sql/functions/ops/patches.sql). */
  json: PatchJson;
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

/**
 * The patch as the API shows it. PostgreSQL renders it (ops_patch_json), the same function that
 * renders the patch.* webhook payloads, so a response and an event cannot disagree.
 */
export const patchJson = (row: PatchRow): PatchJson => row.json;
