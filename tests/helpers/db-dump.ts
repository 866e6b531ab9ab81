// Every row of every table, to prove a request changed nothing: dump before, dump after, compare.
// Bookkeeping that a refused request legitimately touches is left out: the caller's rate-limit
// counters, its key's last_used_* and failed sign-in counts.
import type pg from 'pg';

export type Dump = Record<string, string[]>;

const SKIP_TABLES = new Set(['rate_limit_windows', 'login_failures', 'migrations']);
const SKIP_COLUMNS: Record<string, string[]> = { api_keys: ['last_used_at', 'last_used_ip'] };

export async function dumpDatabase(db: pg.Pool): Promise<Dump> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out: Dump = {};
  for (const { name } of tables) {
    if (SKIP_TABLES.has(name)) continue;
    const drop = (SKIP_COLUMNS[name] ?? []).map((c) => ` - '${c}'`).join('');
    const { rows } = await db.query<{ r: string }>(`SELECT (to_jsonb(t)${drop})::text AS r FROM ${name} t ORDER BY 1`);
    out[name] = rows.map((x) => x.r);
  }
  return out;
}

/** "webhook_endpoints: +1 −1 rows" for each table that differs; empty when nothing changed. */
export function dumpDifferences(before: Dump, after: Dump): string[] {
  const out: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = new Set(before[table] ?? []);
    const a = new Set(after[table] ?? []);
    const added = [...a].filter((r) => !b.has(r));
    const removed = [...b].filter((r) => !a.has(r));
    if (added.length || removed.length) out.push(`${table}: +${added.length} −${removed.length} rows\n  + ${added.slice(0, 3).join('\n  + ')}\n  − ${removed.slice(0, 3).join('\n  − ')}`);
  }
  return out;
}

/** Every id of every row of the organisation (and the organisation's own id, its users' ids). */
export async function idsOfOrg(db: pg.Pool, orgId: string): Promise<Set<string>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT c.table_name AS name FROM information_schema.columns c JOIN information_schema.columns i
        ON i.table_schema = c.table_schema AND i.table_name = c.table_name AND i.column_name = 'id'
      WHERE c.table_schema = 'public' AND c.column_name = 'org_id'`,
  );
  const ids = new Set<string>([orgId]);
  for (const { name } of tables) {
    const { rows } = await db.query(`SELECT id::text AS id FROM ${name} WHERE org_id = $1`, [orgId]);
    for (const r of rows) ids.add(r.id);
  }
  const { rows } = await db.query(`SELECT user_id::text AS id FROM memberships WHERE org_id = $1`, [orgId]);
  for (const r of rows) ids.add(r.id);
  return ids;
}

/** Every string in a JSON value (deep). */
export function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) allStrings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) allStrings(x, out);
  return out;
}
