// A patch as submitted → its canonical form: the table as an identifier pair, the WHERE in
// canonical SQL, `set` with sorted columns. Every input problem is a PatchInputError naming the
// field. Nothing here touches a database: a handler can answer 400 before storing anything.
import { PatchInputError } from './errors';
import { parseTableName, type TableName } from './identifiers';
import { parseWhere } from './where';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface PatchInput {
  connection_id: string;
  table: string;
  operation: 'update' | 'delete';
  /** Column → value, bound as parameters ($n), converted by PostgreSQL to the column's type. */
  set?: Record<string, unknown>;
  where?: string | null;
  allow_all_rows?: boolean;
  max_rows: number;
  expected_rows?: number | null;
}

export interface CanonicalPatch {
  connectionId: string;
  table: TableName;
  operation: 'update' | 'delete';
  set: Record<string, JsonValue>;
  where: string;
  allowAllRows: boolean;
  maxRows: number;
  expectedRows: number | null;
  /** Columns and operators the WHERE uses (checked on the target before running). */
  whereColumns: string[];
  whereOperators: string[];
}

export const MAX_ROWS_LIMIT = 1_000_000;
const MAX_SET_COLUMNS = 100;

function isJson(v: unknown, depth = 0): v is JsonValue {
  if (depth > 32) return false;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  if (typeof v === 'object') return Object.values(v as object).every((x) => isJson(x, depth + 1));
  return false;
}

function checkSet(operation: string, set: unknown): Record<string, JsonValue> {
  if (operation === 'delete') {
    if (set !== undefined && set !== null && !(typeof set === 'object' && Object.keys(set as object).length === 0))
      throw new PatchInputError('set', 'INVALID_SET', 'a delete patch has no set');
    return {};
  }
  if (!set || typeof set !== 'object' || Array.isArray(set)) throw new PatchInputError('set', 'INVALID_SET', 'set must be an object {column: value}');
  const columns = Object.keys(set).sort();
  if (columns.length === 0) throw new PatchInputError('set', 'INVALID_SET', 'an update patch sets at least one column');
  if (columns.length > MAX_SET_COLUMNS) throw new PatchInputError('set', 'INVALID_SET', `set has more than ${MAX_SET_COLUMNS} columns`);
  const out: Record<string, JsonValue> = {};
  for (const col of columns) {
    if (col.length < 1 || col.length > 63 || col.includes('\u0000'))
      throw new PatchInputError(`set.${col}`, 'INVALID_SET', 'column names are 1 to 63 characters');
    const value = (set as Record<string, unknown>)[col];
    if (!isJson(value)) throw new PatchInputError(`set.${col}`, 'INVALID_SET', 'value must be JSON (string, number, boolean, null, array or object)');
    out[col] = value;
  }
  return out;
}

function checkCount(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new PatchInputError(field, 'INVALID_COUNT', `${field} must be an integer from ${min} to ${max}`);
  return v;
}

export async function canonicalizePatch(input: PatchInput): Promise<CanonicalPatch> {
  if (typeof input.connection_id !== 'string' || !/^[0-9a-f-]{36}$/i.test(input.connection_id))
    throw new PatchInputError('connection_id', 'INVALID_ID', 'connection_id must be a UUID');
  const table = await parseTableName(input.table);
  if (input.operation !== 'update' && input.operation !== 'delete')
    throw new PatchInputError('operation', 'INVALID_OPERATION', 'operation must be "update" or "delete"');
  const set = checkSet(input.operation, input.set);
  if (input.allow_all_rows !== undefined && typeof input.allow_all_rows !== 'boolean')
    throw new PatchInputError('allow_all_rows', 'INVALID_FLAG', 'allow_all_rows must be a boolean');
  const allowAllRows = input.allow_all_rows === true;
  const where = await parseWhere(table, input.where, { allowAllRows });
  const maxRows = checkCount('max_rows', input.max_rows, 1, MAX_ROWS_LIMIT);
  const expectedRows =
    input.expected_rows === undefined || input.expected_rows === null ? null : checkCount('expected_rows', input.expected_rows, 0, maxRows);
  return {
    connectionId: input.connection_id.toLowerCase(),
    table,
    operation: input.operation,
    set,
    where: where.canonical,
    allowAllRows,
    maxRows,
    expectedRows,
    whereColumns: where.columns,
    whereOperators: where.operators,
  };
}
