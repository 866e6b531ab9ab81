// Dry-run on a real target: the real statement in a transaction that is rolled back.
import { canonicalizePatch, dryRunPatch, type PatchInput } from '../../../handlers/ops/patches/engine';
import { ITEMS_SQL } from './fixtures';
import { checksum, closeTarget, createTarget, type Target, runError } from './world';

jest.setTimeout(120_000);

const CONN = '00000000-0000-4000-8000-000000000001';
const patchOf = (p: Omit<PatchInput, 'connection_id'>) => canonicalizePatch({ ...p, connection_id: CONN });

describe('dry-run over 100,000 rows', () => {
  let t: Target;
  beforeAll(async () => {
    t = await createTarget(ITEMS_SQL(100_000));
  });
  afterAll(() => closeTarget(t));

  it('counts exactly, samples 20 rows in key order, and leaves the table unchanged', async () => {
    const before = await checksum(t.other, 'shop.items');
    const patch = await patchOf({ table: 'shop.items', operation: 'update', set: { price: 9.5, note: 'x' }, where: 'qty <> 3', max_rows: 1_000_000 });
    const r = await dryRunPatch(t.client, patch);
    const expected = (await t.other.query('SELECT count(*)::int AS n FROM shop.items WHERE qty <> 3')).rows[0].n;
    expect(r.affected_rows).toBe(expected);
    expect(r.affected_rows).toBeGreaterThan(80_000);
    expect(r.key).toEqual(['id']);
    expect(r.sample).toHaveLength(20);
    expect(r.sample[0]).toMatchObject({ pk: { id: 1 }, before: { id: 1, price: 1.25, note: 'odd' }, after: { id: 1, price: 9.5, note: 'x' } });
    expect(r.sample.map((s) => s.pk.id)).toEqual([...r.sample.map((s) => s.pk.id)].sort((a, b) => Number(a) - Number(b)));
    expect(r.within_max_rows).toBe(true);
    expect(await checksum(t.other, 'shop.items')).toBe(before);
    // Nothing is left open on the target: the session is idle, outside a transaction.
    const st = await t.other.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [(t.client as unknown as { processID: number }).processID]);
    expect(st.rows[0].state).toBe('idle');
  });

  it('a delete dry-run leaves every row in place', async () => {
    const before = await checksum(t.other, 'shop.items');
    const r = await dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'delete', where: 'id > 50000', max_rows: 10, expected_rows: 5 }));
    expect(r).toMatchObject({ affected_rows: 50_000, within_max_rows: false, matches_expected: false });
    expect(r.sample[0]).toMatchObject({ pk: { id: 50001 }, after: null });
    expect(await checksum(t.other, 'shop.items')).toBe(before);
  });
});

describe('dry-run surfaces target errors with stable codes and no server text', () => {
  let t: Target;
  beforeAll(async () => {
    t = await createTarget(`
      ${ITEMS_SQL(100)}
      CREATE TABLE shop.nokey (a int, b int);
      CREATE TABLE shop.ukey (code text NOT NULL UNIQUE, v int);
      INSERT INTO shop.ukey VALUES ('a', 1), ('b', 2);
      CREATE FUNCTION shop.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF NEW.note = 'forbidden' THEN RAISE EXCEPTION 'secret value %', NEW.name; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse BEFORE UPDATE ON shop.items FOR EACH ROW EXECUTE FUNCTION shop.refuse();
      CREATE TABLE shop.parent (id int PRIMARY KEY);
      CREATE TABLE shop.child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES shop.parent DEFERRABLE INITIALLY DEFERRED);
      INSERT INTO shop.parent VALUES (1); INSERT INTO shop.child VALUES (1, 1);
    `);
  });
  afterAll(() => closeTarget(t));

  it('a check constraint → CONSTRAINT_VIOLATION naming the constraint', async () => {
    const e = await runError(dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'update', set: { price: -1 }, where: 'id = 1', max_rows: 1 })));
    expect(e.code).toBe('CONSTRAINT_VIOLATION');
    expect(e.details).toEqual({ sqlstate: '23514', constraint: 'items_price_check' });
  });

  it('a trigger raising → TRIGGER_ERROR without the trigger text', async () => {
    const e = await runError(dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'update', set: { note: 'forbidden' }, where: 'id = 2', max_rows: 1 })));
    expect(e.code).toBe('TRIGGER_ERROR');
    expect(JSON.stringify(e.toJSON())).not.toContain('secret');
  });

  it('a deferred foreign key fails in the dry-run itself', async () => {
    const e = await runError(dryRunPatch(t.client, await patchOf({ table: 'shop.child', operation: 'update', set: { parent_id: 99 }, where: 'id = 1', max_rows: 1 })));
    expect(e.code).toBe('CONSTRAINT_VIOLATION');
    expect(e.details.constraint).toBe('child_parent_id_fkey');
  });

  it('a value that does not fit the column → INVALID_VALUE', async () => {
    const e = await runError(dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'update', set: { qty: 'many' }, where: 'id = 1', max_rows: 1 })));
    expect(e.code).toBe('INVALID_VALUE');
  });

  it('a table without a primary key or NOT NULL unique key is refused; a NOT NULL unique key is enough', async () => {
    const e = await runError(dryRunPatch(t.client, await patchOf({ table: 'shop.nokey', operation: 'delete', where: 'a = 1', max_rows: 1 })));
    expect(e).toMatchObject({ code: 'NO_ROW_KEY', details: { field: 'table' } });
    const r = await dryRunPatch(t.client, await patchOf({ table: 'shop.ukey', operation: 'update', set: { v: 5 }, where: "code = 'a'", max_rows: 1 }));
    expect(r).toMatchObject({ affected_rows: 1, key: ['code'], sample: [{ pk: { code: 'a' }, after: { code: 'a', v: 5 } }] });
  });

  it('unknown columns and key columns are refused naming the field', async () => {
    await expect(dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'update', set: { nope: 1 }, where: 'id = 1', max_rows: 1 })))
      .rejects.toMatchObject({ code: 'UNKNOWN_COLUMN', details: { field: 'set.nope' } });
    await expect(dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'update', set: { note: 'x' }, where: 'nope = 1', max_rows: 1 })))
      .rejects.toMatchObject({ code: 'UNKNOWN_COLUMN', details: { field: 'where' } });
    await expect(dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'update', set: { id: 5 }, where: 'id = 1', max_rows: 1 })))
      .rejects.toMatchObject({ code: 'COLUMN_NOT_SETTABLE', details: { field: 'set.id' } });
    await expect(dryRunPatch(t.client, await patchOf({ table: 'shop.missing', operation: 'delete', where: 'id = 1', max_rows: 1 })))
      .rejects.toMatchObject({ code: 'TABLE_NOT_FOUND', details: { field: 'table' } });
  });

  it('a user-defined volatile operator with an allowed symbol is refused on the target', async () => {
    await t.other.query(`
      CREATE TYPE shop.money2 AS (v int);
      CREATE FUNCTION shop.eq_side_effect(shop.money2, shop.money2) RETURNS boolean LANGUAGE sql VOLATILE AS 'SELECT true';
      CREATE OPERATOR shop.= (LEFTARG = shop.money2, RIGHTARG = shop.money2, FUNCTION = shop.eq_side_effect)`);
    await expect(dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'update', set: { note: 'x' }, where: 'id = 1', max_rows: 1 })))
      .rejects.toMatchObject({ code: 'UNSAFE_OPERATOR', details: { field: 'where', operators: ['='] } });
    await t.other.query('DROP OPERATOR shop.= (shop.money2, shop.money2)');
  });

  it('an all-rows patch runs only with allow_all_rows, and then takes every row', async () => {
    await expect(patchOf({ table: 'shop.items', operation: 'delete', where: '', max_rows: 1000 })).rejects.toMatchObject({ field: 'where', code: 'ALL_ROWS_NOT_ALLOWED' });
    const r = await dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'delete', where: '', allow_all_rows: true, max_rows: 1000 }));
    expect(r.affected_rows).toBe(100);
    expect((await t.other.query('SELECT count(*)::int AS n FROM shop.items')).rows[0].n).toBe(100);
  });

  it('values are bind parameters: SQL in a value is stored as text', async () => {
    const r = await dryRunPatch(t.client, await patchOf({ table: 'shop.items', operation: 'update', set: { note: "x'; DROP TABLE shop.items; --" }, where: 'id = 3', max_rows: 1 }));
    expect(r.sample[0].after!.note).toBe("x'; DROP TABLE shop.items; --");
    expect((await t.other.query('SELECT count(*)::int AS n FROM shop.items')).rows[0].n).toBe(100);
  });
});
