// The patch's one statement on the target. Before-images are taken in the same statement that
// changes the rows (PostgreSQL 13+; 18 would allow RETURNING old.*). The dry-run's form:
//   WITH aur_old AS (SELECT key…, row_to_json(t.*) FROM t WHERE … FOR UPDATE OF t),
//        aur_new AS (UPDATE t … FROM aur_old WHERE key = aur_old.key RETURNING key…, before, row_to_json(new row))
//   SELECT count(*) OVER (), … ORDER BY key LIMIT 20
// and execute's, the same subquery joined by key in a plain UPDATE … RETURNING, unsorted, so rows
// stream to the client as they change (a CTE would materialise them, spilling to temp files):
//   UPDATE t … FROM (SELECT key…, row_to_json(t.*) FROM t WHERE … LIMIT n FOR UPDATE OF t) aur_old
//    WHERE key = aur_old.key RETURNING pk, before, row_to_json(new row)
// Either way the WHERE is evaluated once, and every changed row comes back with its image before and after.
// Values in `set` are bind parameters; identifiers are quoted; the WHERE is the canonical,
// allow-listed SQL from where.ts. Images are row_to_json (json keeps a json column's exact text;
// json_populate_record writes it back byte for byte) and come back as *text*: parsing them in
// JavaScript would round big numbers.
import { quoteIdent, quoteTable } from './identifiers';
import type { CanonicalPatch, JsonValue } from './patch-spec';
import type { TargetTable } from './target-table';

export interface PatchStatement {
  text: string;
  values: (string | null)[];
}

/** A JSON value as the text PostgreSQL converts to the column's type (objects and arrays as JSON). */
export function paramText(v: JsonValue): string | null {
  if (v === null) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `jsonb_build_object('k1', <expr for k1>, …)` with the key names as parameters. */
export function keyObject(key: string[], exprFor: (i: number) => string, values: (string | null)[]): string {
  const parts = key.map((k, i) => {
    values.push(k);
    return `$${values.length}::text, ${exprFor(i)}`;
  });
  return `jsonb_build_object(${parts.join(', ')})`;
}

/** The parts both forms share: the locked rows with their before-images, the change, the key as json. */
function statementParts(p: CanonicalPatch, t: TargetTable, limit: number | undefined) {
  const values: (string | null)[] = [];
  const table = quoteTable(p.table);
  const rel = quoteIdent(p.table.name);
  const keySelect = t.key.map((k, i) => `${rel}.${quoteIdent(k)} AS aur_k${i}`).join(', ');
  const keyJoin = t.key.map((k, i) => `aur_t.${quoteIdent(k)} = aur_old.aur_k${i}`).join(' AND ');
  const lim = limit !== undefined ? ` LIMIT ${Math.trunc(limit)}` : '';
  const old = `SELECT ${keySelect}, row_to_json(${rel}.*) AS aur_before FROM ${table} WHERE (${p.where})${lim} FOR UPDATE OF ${rel}`;
  const sets = Object.entries(p.set).map(([col, v]) => {
    values.push(paramText(v));
    return `${quoteIdent(col)} = $${values.length}`;
  });
  const change = p.operation === 'update'
    ? { head: `UPDATE ${table} AS aur_t SET ${sets.join(', ')} FROM`, after: 'row_to_json(aur_t.*)' }
    : { head: `DELETE FROM ${table} AS aur_t USING`, after: 'NULL::json' };
  return { values, old, keyJoin, change };
}

/**
 * The dry-run's statement: the total in `n` and the first `sample` rows ordered by key. Its WITH
 * form gives the count over every changed row while returning only the sample.
 */
export function buildPatchStatement(p: CanonicalPatch, t: TargetTable, opts: { sample: number }): PatchStatement {
  const { values, old, keyJoin, change } = statementParts(p, t, undefined);
  const keyReturn = t.key.map((_, i) => `aur_old.aur_k${i}`).join(', ');
  const keyOrder = t.key.map((_, i) => `aur_k${i}`).join(', ');
  const pk = keyObject(t.key, (i) => `aur_k${i}`, values);
  const text = `WITH aur_old AS (${old}),
    aur_new AS (${change.head} aur_old WHERE ${keyJoin} RETURNING ${keyReturn}, aur_old.aur_before, ${change.after} AS aur_after)
    SELECT count(*) OVER ()::int AS n, ${pk}::text AS pk, aur_before::text AS before, aur_after::text AS after
      FROM aur_new ORDER BY ${keyOrder} LIMIT ${Math.trunc(opts.sample)}`;
  return { text, values };
}

/**
 * Execute's statement: every changed row as (pk, before, after) json texts, in no particular order
 * (nothing needs one; a sort would hold every row back until the last). `limit` caps the rows it
 * takes: execute passes max_rows + 1, so an oversized patch stops early and trips the guard.
 */
export function buildExecuteStatement(p: CanonicalPatch, t: TargetTable, limit: number): PatchStatement {
  const { values, old, keyJoin, change } = statementParts(p, t, limit);
  const pk = keyObject(t.key, (i) => `aur_old.aur_k${i}`, values);
  const text = `${change.head} (${old}) AS aur_old WHERE ${keyJoin}
    RETURNING ${pk}::text AS pk, aur_old.aur_before::text AS before, ${change.after}::text AS after`;
  return { text, values };
}

/**
 * Execute's statement as `COPY (…) TO STDOUT`, the form that streams: PostgreSQL runs a DML
 * statement's RETURNING to completion and stores every row before sending the first, except under
 * COPY, which sends each row as it changes. COPY takes no bind parameters, so the values travel as
 * bind parameters of set_config() into transaction-local settings (`settings`, applied first),
 * each read once (an InitPlan) and cast to its column's type without typmod; the assignment then
 * applies the typmod, as for a parameter. Nothing from the input is spliced. Used only when no set
 * column's type has a cast from text defined on the target (setColumnTypes): the cast is then the
 * type's input function, exactly what a parameter goes through.
 */
export function buildExecuteCopy(
  p: CanonicalPatch,
  t: TargetTable,
  limit: number,
  setTypes: Record<string, string>,
): { settings: [string, string][]; text: string } {
  const settings: [string, string][] = [];
  const setting = (value: string) => {
    const name = `aura.p${settings.length}`;
    settings.push([name, value]);
    return `(SELECT pg_catalog.current_setting('${name}'))`;
  };
  const table = quoteTable(p.table);
  const rel = quoteIdent(p.table.name);
  const keySelect = t.key.map((k, i) => `${rel}.${quoteIdent(k)} AS aur_k${i}`).join(', ');
  const keyJoin = t.key.map((k, i) => `aur_t.${quoteIdent(k)} = aur_old.aur_k${i}`).join(' AND ');
  const old = `SELECT ${keySelect}, row_to_json(${rel}.*) AS aur_before FROM ${table} WHERE (${p.where}) LIMIT ${Math.trunc(limit)} FOR UPDATE OF ${rel}`;
  const sets = Object.entries(p.set).map(([col, v]) => {
    const text = paramText(v);
    return `${quoteIdent(col)} = ${text === null ? 'NULL' : `${setting(text)}::${setTypes[col]}`}`;
  });
  const change = p.operation === 'update'
    ? { head: `UPDATE ${table} AS aur_t SET ${sets.join(', ')} FROM`, after: 'row_to_json(aur_t.*)' }
    : { head: `DELETE FROM ${table} AS aur_t USING`, after: 'NULL::json' };
  const pk = `jsonb_build_object(${t.key.map((k, i) => `${setting(k)}, aur_old.aur_k${i}`).join(', ')})`;
  const text = `COPY (${change.head} (${old}) AS aur_old WHERE ${keyJoin}
    RETURNING ${pk}::text AS pk, aur_old.aur_before::text AS before, ${change.after}::text AS after) TO STDOUT`;
  return { settings, text };
}

/** `t.k1 = p.k1 AND …` for joining the table to rows built by json(b)_populate_record. */
export function keyMatch(key: string[], left: string, right: string): string {
  return key.map((k) => `${left}.${quoteIdent(k)} = ${right}.${quoteIdent(k)}`).join(' AND ');
}
