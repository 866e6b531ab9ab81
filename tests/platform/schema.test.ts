// The schema as the migrations leave it: every foreign key — the composite (org_id, id) ones that
// carry tenant isolation included — has an index behind it (a delete or key change on the
// referenced side otherwise scans the referencing table under a lock), except on tables that stay
// small.
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

// api_keys: a few rows per organisation; deleting a user (SET NULL on created_by/revoked_by) may scan it.
const SMALL_TABLE_EXCEPTIONS = ['api_keys (created_by)', 'api_keys (revoked_by)'];

interface ForeignKey { table: number; name: string; cols: number[]; refTable: number; refCols: number[] }
interface Index { table: number; cols: number[]; keyCount: number; unique: boolean; predicate: string | null }

/**
 * Foreign keys no index serves, as "table (col, …)". An index serves a key when its leading
 * columns are the key's columns (in any order: the lookup is equality on each), or a part of them
 * that already pins one parent row — e.g. (ticket_id, position) for the key (org_id, ticket_id):
 * tickets.id is unique on its own, so the index finds exactly that ticket's lines. A partial index
 * counts only when its predicate is `<key column> IS NOT NULL`, which every lookup implies.
 */
async function unindexedForeignKeys(db: pg.Pool): Promise<string[]> {
  const vector = (v: string) => v.trim().split(/\s+/).map(Number);
  const keys: ForeignKey[] = (
    await db.query(`SELECT conname, conrelid::int AS tbl, conkey, confrelid::int AS reftbl, confkey FROM pg_constraint WHERE contype = 'f'`)
  ).rows.map((r) => ({ name: r.conname, table: r.tbl, cols: r.conkey, refTable: r.reftbl, refCols: r.confkey }));
  const indexes: Index[] = (
    await db.query(`SELECT indrelid::int AS tbl, indkey::text AS cols, indnkeyatts AS n, indisunique AS uniq, pg_get_expr(indpred, indrelid) AS pred FROM pg_index`)
  ).rows.map((r) => ({ table: r.tbl, cols: vector(r.cols), keyCount: r.n, unique: r.uniq, predicate: r.pred }));
  const names = new Map<string, string>();
  const tables = new Map<number, string>();
  for (const r of (await db.query(`SELECT attrelid::int AS tbl, attrelid::regclass::text AS tname, attnum, attname FROM pg_attribute WHERE attnum > 0`)).rows) {
    names.set(`${r.tbl}.${r.attnum}`, r.attname);
    tables.set(r.tbl, r.tname);
  }
  const col = (table: number, n: number) => names.get(`${table}.${n}`)!;
  const pinsOneParent = (fk: ForeignKey, lead: number[]) => {
    const referenced = lead.map((c) => fk.refCols[fk.cols.indexOf(c)]);
    return indexes.some((i) => i.table === fk.refTable && i.unique && i.predicate === null && i.cols.slice(0, i.keyCount).every((c) => referenced.includes(c)));
  };
  const serves = (fk: ForeignKey, i: Index) => {
    if (i.table !== fk.table) return false;
    if (i.predicate !== null && !fk.cols.some((c) => i.predicate === `(${col(fk.table, c)} IS NOT NULL)`)) return false;
    for (let k = 1; k <= Math.min(fk.cols.length, i.keyCount); k++) {
      const lead = i.cols.slice(0, k);
      if (!lead.every((c) => fk.cols.includes(c))) return false;
      if (k === fk.cols.length || pinsOneParent(fk, lead)) return true;
    }
    return false;
  };
  return keys
    .filter((fk) => !indexes.some((i) => serves(fk, i)))
    .map((fk) => `${tables.get(fk.table)} (${fk.cols.map((c) => col(fk.table, c)).join(', ')})`)
    .sort();
}

describe('schema', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await db.end();
    await database.drop();
  });

  it('every foreign key, composite ones included, is served by an index', async () => {
    expect(await unindexedForeignKeys(db)).toEqual(SMALL_TABLE_EXCEPTIONS);
  });

  it('the check sees the composite (org_id, …) keys: one without an index is reported', async () => {
    // A check that skipped multi-column keys would pass above whatever the schema; prove it does not.
    await db.query('BEGIN');
    try {
      await db.query(`CREATE TABLE probe_lines (org_id uuid NOT NULL, produit_id uuid NOT NULL, n int NOT NULL,
                        FOREIGN KEY (org_id, produit_id) REFERENCES produits (org_id, id))`);
      // Leading with org_id alone does not serve it: that is every row of the organisation.
      await db.query('CREATE INDEX ON probe_lines (org_id, n)');
      expect(await unindexedForeignKeys(db)).toEqual([...SMALL_TABLE_EXCEPTIONS, 'probe_lines (org_id, produit_id)']);
      await db.query('CREATE INDEX ON probe_lines (produit_id, org_id)');
      expect(await unindexedForeignKeys(db)).toEqual(SMALL_TABLE_EXCEPTIONS);
    } finally {
      await db.query('ROLLBACK');
    }
  });
});
