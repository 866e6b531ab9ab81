// A target's schema as one sorted, deterministic JSON document, read through pg_catalog in a
// single REPEATABLE READ READ ONLY transaction (one consistent picture, nothing written).
import type pg from 'pg';
import { CATALOG_QUERIES, type CatalogKind } from './catalog-queries';
import { fingerprintOf } from './fingerprint';

/** Bumped when the document's shape changes (every fingerprint changes with it, on purpose). */
export const SNAPSHOT_FORMAT = 1;

/** The oldest server the queries support (conparentid, tgparentid, regcollation: PostgreSQL 13). */
export const MIN_SERVER_VERSION_NUM = 130000;

type Obj = Record<string, unknown>;

export interface SchemaDocument {
  format: number;
  extensions: Obj[];
  schemas: Obj[];
  tables: Obj[];
  views: Obj[];
  sequences: Obj[];
  types: Obj[];
  enums: Obj[];
  functions: Obj[];
  constraints: Obj[];
  indexes: Obj[];
  triggers: Obj[];
  policies: Obj[];
}

export interface Snapshot {
  schema: SchemaDocument;
  fingerprint: string;
  serverVersion: string;
  objectCounts: Record<string, number>;
}

/** The order the kinds are read in (and reported in, as progress). */
export const KINDS: readonly CatalogKind[] = [
  'extensions', 'schemas', 'tables', 'columns', 'views', 'sequences', 'types', 'enums',
  'functions', 'constraints', 'indexes', 'triggers', 'policies',
];

export class UnsupportedServerError extends Error {}

/** Code-unit order, never a locale's: the same on every machine. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byKeys = (...keys: string[]) => (a: Obj, b: Obj) => {
  for (const k of keys) {
    const c = cmp(String(a[k] ?? ''), String(b[k] ?? ''));
    if (c !== 0) return c;
  }
  return 0;
};
const sortedBy = (rows: Obj[], ...keys: string[]) => [...rows].sort(byKeys(...keys));
const without = (o: Obj, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

export async function takeSnapshot(
  client: pg.ClientBase,
  onKind?: (kind: CatalogKind, done: number, total: number, count: number) => Promise<void>,
): Promise<Snapshot> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    // Nothing of the target's can shadow a function or operator, and names print qualified. The
    // settings that change how a constant prints (a partition bound's timestamp, a default's
    // interval) are pinned: the same schema gives the same text whatever the role's settings.
    await client.query(`SET LOCAL search_path TO pg_catalog, pg_temp;
                        SET LOCAL TimeZone TO 'UTC'; SET LOCAL DateStyle TO 'ISO, YMD'; SET LOCAL IntervalStyle TO 'postgres';
                        SET LOCAL extra_float_digits TO 1; SET LOCAL bytea_output TO 'hex'; SET LOCAL quote_all_identifiers TO off`);
    const { rows: [v] } = await client.query<{ version: string; num: string }>(
      `SELECT pg_catalog.current_setting('server_version') AS version, pg_catalog.current_setting('server_version_num') AS num`,
    );
    if (Number(v.num) < MIN_SERVER_VERSION_NUM) throw new UnsupportedServerError(`PostgreSQL ${v.version} is older than 13`);
    const raw = {} as Record<CatalogKind, Obj[]>;
    for (const [i, kind] of KINDS.entries()) {
      raw[kind] = (await client.query<{ o: Obj }>(CATALOG_QUERIES[kind])).rows.map((r) => r.o);
      await onKind?.(kind, i + 1, KINDS.length, raw[kind].length);
    }
    await client.query('COMMIT');
    const schema = assemble(raw);
    return { schema, fingerprint: fingerprintOf(schema), serverVersion: v.version, objectCounts: countsOf(schema) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Columns attached to their relation, helper keys dropped, every list sorted by stable keys. */
export function assemble(raw: Record<CatalogKind, Obj[]>): SchemaDocument {
  const columnsOf = new Map<string, Obj[]>();
  for (const c of raw.columns) {
    const rel = String(c.relation);
    if (!columnsOf.has(rel)) columnsOf.set(rel, []);
    columnsOf.get(rel)!.push(without(c, 'relation'));
  }
  const cols = (rel: unknown) => (columnsOf.get(String(rel)) ?? []).sort((a, b) => Number(a.position) - Number(b.position));
  return {
    format: SNAPSHOT_FORMAT,
    extensions: sortedBy(raw.extensions, 'name'),
    schemas: sortedBy(raw.schemas, 'name'),
    tables: sortedBy(raw.tables.map((t) => ({ ...without(t, 'qualified'), columns: cols(t.qualified) })), 'schema', 'name'),
    views: sortedBy(raw.views.map((t) => ({ ...without(t, 'qualified'), columns: cols(t.qualified) })), 'schema', 'name'),
    sequences: sortedBy(raw.sequences, 'schema', 'name'),
    types: sortedBy(raw.types.map((t) => ({ ...without(t, 'relation'), attributes: t.relation ? cols(t.relation) : [] })), 'schema', 'name'),
    enums: sortedBy(raw.enums, 'schema', 'name'),
    functions: sortedBy(raw.functions, 'schema', 'name', 'identity_arguments'),
    constraints: sortedBy(raw.constraints, 'schema', 'table', 'name'),
    indexes: sortedBy(raw.indexes, 'schema', 'table', 'name'),
    triggers: sortedBy(raw.triggers, 'schema', 'table', 'name'),
    policies: sortedBy(raw.policies, 'schema', 'table', 'name'),
  };
}

export function countsOf(s: SchemaDocument): Record<string, number> {
  return {
    extensions: s.extensions.length,
    schemas: s.schemas.length,
    tables: s.tables.length,
    columns: s.tables.reduce((n, t) => n + (t.columns as Obj[]).length, 0),
    views: s.views.filter((v) => !v.materialized).length,
    materialized_views: s.views.filter((v) => v.materialized).length,
    sequences: s.sequences.length,
    types: s.types.length,
    enums: s.enums.length,
    functions: s.functions.length,
    constraints: s.constraints.length,
    indexes: s.indexes.length,
    triggers: s.triggers.length,
    policies: s.policies.length,
  };
}
