// Table names as an identifier pair, parsed by PostgreSQL's own grammar and always re-quoted.
import { parseSync } from 'libpg-query';
import { PatchInputError } from './errors';
import { ensureParser } from './parser';

export interface TableName {
  schema: string;
  name: string;
}

/** A double-quoted identifier: safe for any name, whatever its case or characters. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new PatchInputError('table', 'INVALID_IDENTIFIER', 'identifiers cannot contain NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteTable(t: TableName): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

/** "schema.table" as written in SQL (unquoted parts fold to lower case, quoted parts are kept). */
export async function parseTableName(input: unknown): Promise<TableName> {
  const bad = (message: string) => new PatchInputError('table', 'INVALID_TABLE', message);
  if (typeof input !== 'string' || input.length === 0 || input.length > 300 || input.includes('\u0000')) throw bad('table must be "schema.table"');
  await ensureParser();
  let stmts;
  try {
    stmts = parseSync(`SELECT 1 FROM ${input}`).stmts ?? [];
  } catch {
    throw bad('table must be "schema.table"');
  }
  const select = stmts.length === 1 ? (stmts[0].stmt as { SelectStmt?: Record<string, unknown> }).SelectStmt : undefined;
  const from = select?.fromClause as { RangeVar?: Record<string, unknown> }[] | undefined;
  const keys = select ? Object.keys(select).sort().join(',') : '';
  const rv = from?.length === 1 ? from[0].RangeVar : undefined;
  if (!rv || keys !== 'fromClause,limitOption,op,targetList' || rv.catalogname || rv.alias || rv.inh !== true)
    throw bad('table must be a single "schema.table" name');
  if (typeof rv.schemaname !== 'string' || typeof rv.relname !== 'string') throw bad('table must name its schema: "schema.table"');
  return { schema: rv.schemaname, name: rv.relname };
}
