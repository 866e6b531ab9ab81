// The list helper's keyset walk in its JSON-in-SQL style (the audit log tests the row style
// through HTTP): an integer order key with ties, rows written between pages, the extra row that
// tells a next page is never rendered.
import pg from 'pg';
import { byTime, fetchJson, listQuery, type JsonList, type KeysetPage } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import { ApiError } from '../../src/errors';
import { createOrg } from '../helpers/factories';
import { createFamille } from '../helpers/pos-factories';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';

describe('fetchJson with a cursor', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  let org: string;
  let list: JsonList & { keyset: true };
  beforeAll(async () => {
    database = await createTestDatabase();
    db = ignoreTeardownTermination(new pg.Pool({ connectionString: database.url, max: 2 }));
    org = (await createOrg(db)).id;
    for (const position of [3, 0, 1, 0, 3, 2, 0, 1, 3]) await createFamille(db, org, { nom: `F${position}`, position });
    await createFamille(db, (await createOrg(db)).id, { position: 1 });
    list = {
      table: 'familles',
      item: `jsonb_build_object('id', (p.r).id, 'position', (p.r).position)`,
      where: [sql`r.org_id = ${org}`],
      order: { keys: [{ column: 'position', type: 'bigint' }, { column: 'id', type: 'uuid' }] },
      keyset: true,
    };
  });
  afterAll(async () => {
    await db.end();
    await database.drop();
  });

  const ordered = async (): Promise<string[]> =>
    (await db.query(`SELECT id FROM familles WHERE org_id = $1 ORDER BY position, id`, [org])).rows.map((r) => r.id);

  it('walks each row once, in order, while rows are written ahead of and behind the cursor', async () => {
    const seen: string[] = [];
    const behind: string[] = [];
    let page: KeysetPage<{ id: string }> | undefined;
    for (let k = 0; !page || page.next_cursor !== null; k++) {
      page = await fetchJson<{ id: string }>(db, list, { limit: 2, offset: 0, cursor: page?.next_cursor ?? undefined });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.id));
      // Behind the cursor (first position, lowest ids: never seen by this walk) and ahead of it (seen at the end).
      const low = `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
      await db.query(`INSERT INTO familles (id, org_id, nom, position) VALUES ($1, $2, 'behind', 0)`, [low, org]);
      behind.push(low);
      if (k < 3) await createFamille(db, org, { position: 10 + k });
    }
    expect(seen).toEqual((await ordered()).filter((id) => !behind.includes(id)));
    expect(seen).toHaveLength(9 + 3);
    // The total counts every row there at the time of the page (the last one behind came after it).
    expect(page.total).toBe(9 + 3 + behind.length - 1);
  });

  it('answers next_cursor null on an exactly full last page, and refuses a cursor of another order', async () => {
    const total = (await ordered()).length;
    const full = await fetchJson(db, list, { limit: total, offset: 0 });
    expect(full).toMatchObject({ total, next_cursor: null });
    expect(full.items).toHaveLength(total);
    const first = await fetchJson(db, list, { limit: 1, offset: 0 });
    const byCreation = { ...list, order: byTime('created_at') };
    expect(() => listQuery(byCreation, { limit: 1, offset: 0, cursor: first.next_cursor! })).toThrow(ApiError);
  });

  it('gives each combination of filters its own statement, with no filter left to fold at run time', () => {
    const page = { limit: 50, offset: 0 };
    const plain = listQuery(list, page);
    const filtered = listQuery({ ...list, where: [...list.where, sql`r.actif = ${true}`] }, page);
    expect(plain.name).not.toBe(filtered.name);
    expect(listQuery({ ...list, where: [...list.where, false, null, undefined] }, page)).toEqual(plain);
    expect(filtered.values).toEqual([org, true, 51, 0]);
    expect(filtered.text).toMatch(/r\.org_id = \$1 AND r\.actif = \$2/);
  });
});
