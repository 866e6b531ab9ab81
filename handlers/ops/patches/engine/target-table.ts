// What the engine needs to know about the patched table on the target, read from pg_catalog
// (information_schema hides what the user lacks privileges on): its columns, a key that
// identifies each row, and whether the WHERE's operators could reach a user-defined function
// with side effects.
import type pg from 'pg';
import { PatchRunError } from './errors';
import type { TableName } from './identifiers';
import type { CanonicalPatch } from './patch-spec';

export interface TargetColumn {
  name: string;
  type: string;
  generated: boolean;
  identityAlways: boolean;
}

export interface TargetTable {
  oid: number;
  columns: TargetColumn[];
  /** The primary key, else the smallest unique index over NOT NULL columns (no expression, no predicate). */
  key: string[];
  keyKind: 'primary_key' | 'unique_not_null';
}

export async function describeTable(db: pg.Client, table: TableName): Promise<TargetTable> {
  const rel = await db.query<{ oid: number; relkind: string }>(
    `SELECT c.oid::int AS oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.name],
  );
  if (rel.rowCount === 0) throw new PatchRunError('TABLE_NOT_FOUND', 'the table does not exist on the target', { field: 'table' });
  const { oid, relkind } = rel.rows[0];
  if (relkind !== 'r' && relkind !== 'p') throw new PatchRunError('NOT_A_TABLE', 'only ordinary and partitioned tables can be patched', { field: 'table' });
  const columns = await db.query<{ name: string; type: string; generated: boolean; identity_always: boolean }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attgenerated <> '' AS generated,
            attidentity = 'a' AS identity_always
       FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [oid],
  );
  const keys = await db.query<{ primary: boolean; cols: string[] }>(
    `SELECT i.indisprimary AS primary,
            array(SELECT a.attname FROM unnest((i.indkey::int2[])[0:i.indnkeyatts - 1]) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS cols
       FROM pg_index i
      WHERE i.indrelid = $1 AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
        AND NOT EXISTS (SELECT 1 FROM unnest((i.indkey::int2[])[0:i.indnkeyatts - 1]) k(attnum)
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                         WHERE NOT a.attnotnull OR k.attnum <= 0)
      ORDER BY i.indisprimary DESC, i.indnkeyatts, i.indexrelid
      LIMIT 1`,
    [oid],
  );
  if (keys.rowCount === 0)
    throw new PatchRunError('NO_ROW_KEY', 'the table needs a primary key or a unique index over NOT NULL columns', { field: 'table' });
  return {
    oid,
    columns: columns.rows.map((c) => ({ name: c.name, type: c.type, generated: c.generated, identityAlways: c.identity_always })),
    key: keys.rows[0].cols,
    keyKind: keys.rows[0].primary ? 'primary_key' : 'unique_not_null',
  };
}

/** The patch against the table as it is: known columns, keys left alone, privileges, safe operators. */
export async function checkPatchAgainstTable(db: pg.Client, patch: CanonicalPatch, t: TargetTable): Promise<void> {
  const byName = new Map(t.columns.map((c) => [c.name, c]));
  for (const col of patch.whereColumns)
    if (!byName.has(col)) throw new PatchRunError('UNKNOWN_COLUMN', 'where references a column the table does not have', { field: 'where', column: col });
  for (const col of Object.keys(patch.set)) {
    const c = byName.get(col);
    const field = `set.${col}`;
    if (!c) throw new PatchRunError('UNKNOWN_COLUMN', 'set names a column the table does not have', { field, column: col });
    if (c.generated || c.identityAlways) throw new PatchRunError('COLUMN_NOT_SETTABLE', 'generated and identity columns cannot be set', { field, column: col });
    if (t.key.includes(col)) throw new PatchRunError('COLUMN_NOT_SETTABLE', 'the columns identifying rows cannot be set', { field, column: col });
  }
  const privilege = patch.operation === 'update' ? 'UPDATE' : 'DELETE';
  const priv = await db.query<{ ok: boolean }>(
    `SELECT has_table_privilege($1::oid, 'SELECT') AND has_table_privilege($1::oid, $2) AS ok`,
    [t.oid, privilege],
  );
  if (!priv.rows[0].ok) throw new PatchRunError('PERMISSION_DENIED', `the connection's user lacks SELECT or ${privilege} on the table`, { field: 'table' });
  if (patch.whereOperators.length > 0) {
    // A user-defined operator of the same symbol (on a user type) could call a volatile function.
    const unsafe = await db.query<{ oprname: string }>(
      `SELECT DISTINCT o.oprname FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode
        WHERE o.oprname = ANY($1) AND o.oprnamespace <> 'pg_catalog'::regnamespace AND p.provolatile = 'v'`,
      [patch.whereOperators],
    );
    if (unsafe.rowCount)
      throw new PatchRunError('UNSAFE_OPERATOR', 'where uses an operator the target overloads with a volatile function', {
        field: 'where',
        operators: unsafe.rows.map((r) => r.oprname),
      });
  }
}

/**
 * The set columns' types without typmod (for execute's cast from text, statement.ts), and whether
 * the target defines a cast from text to any of them or to a domain's base type: such a cast is
 * the target's own function, which a bind parameter never goes through, so execute then keeps
 * bind parameters (and its slower, non-streaming statement). Types are named schema.name from
 * pg_type, not by format_type(oid, NULL), which spells bpchar `character`: SQL reads that as
 * char(1) (and `bit` as bit(1)); a qualified name is the type itself, without typmod.
 */
export async function setColumnTypes(db: pg.Client, patch: CanonicalPatch, t: TargetTable): Promise<{ types: Record<string, string>; userCastFromText: boolean }> {
  const columns = Object.keys(patch.set);
  if (columns.length === 0) return { types: {}, userCastFromText: false };
  const res = await db.query<{ types: Record<string, string>; user_cast: boolean }>(
    `WITH RECURSIVE cols AS (SELECT attname, atttypid FROM pg_catalog.pg_attribute WHERE attrelid = $1 AND attname = ANY($2) AND NOT attisdropped),
          chain(oid) AS (SELECT atttypid FROM cols
                         UNION SELECT ty.typbasetype FROM pg_catalog.pg_type ty JOIN chain ON ty.oid = chain.oid WHERE ty.typtype = 'd')
     SELECT (SELECT pg_catalog.json_object_agg(attname, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(ty.typname))
               FROM cols JOIN pg_catalog.pg_type ty ON ty.oid = cols.atttypid JOIN pg_catalog.pg_namespace n ON n.oid = ty.typnamespace) AS types,
            EXISTS (SELECT 1 FROM pg_catalog.pg_cast c JOIN chain ON c.casttarget = chain.oid
                     WHERE c.castsource = 'pg_catalog.text'::pg_catalog.regtype AND c.oid >= 16384) AS user_cast`,
    [t.oid, columns],
  );
  return { types: res.rows[0].types, userCastFromText: res.rows[0].user_cast };
}
