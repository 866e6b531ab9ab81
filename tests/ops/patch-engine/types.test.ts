// Exactness across column types: delete + rollback and update + rollback give back the same
// bytes (md5 of the ordered rows), whatever the columns hold.
import { dryRunPatch, executePatch, rollbackExecution } from '../../../handlers/ops/patches/engine';
import { checksum, closeApiWorld, closeTarget, createApiWorld, createTarget, runError, storePatch, type ApiWorld, type Target } from './world';

jest.setTimeout(120_000);

const SCHEMA = `
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
  CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
  CREATE TYPE pair AS (a int, b text);
  CREATE TABLE public."Odd Table" (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "Mixed Case" text,
    f4 real, f8 double precision, num numeric, money_ money,
    ts timestamp, tstz timestamptz, d date, t time, tz timetz, iv interval,
    b bytea, bits bit varying(8), ch char(5), vc varchar(10),
    arr int[], tarr text[], nested int[][],
    j json, jb jsonb, m mood, p positive, c pair, r int4range, u uuid, ip inet, tsv tsvector,
    twice integer GENERATED ALWAYS AS (p * 2) STORED,
    flag boolean
  );
  INSERT INTO public."Odd Table" ("Mixed Case", f4, f8, num, money_, ts, tstz, d, t, tz, iv, b, bits, ch, vc, arr, tarr, nested, j, jb, m, p, c, r, u, ip, tsv, flag)
  SELECT 'row "' || g || E'"\\n\\ttab', g / 3.0, CASE g % 4 WHEN 0 THEN 'NaN' WHEN 1 THEN 'Infinity' ELSE g / 7.0 END,
         CASE WHEN g % 5 = 0 THEN 'NaN'::numeric ELSE 123456789012345678901234567890.000000001 * g END, g * 1.25,
         CASE WHEN g % 6 = 0 THEN 'infinity'::timestamp ELSE '2024-02-29 12:34:56.789012'::timestamp + g * interval '1 day' END,
         '2024-02-29 12:34:56.789012+05:30'::timestamptz, '2024-02-29'::date - g, '23:59:59.999999', '10:00+02', interval '1 year 2 mons 3 days 04:05:06.7' * g,
         decode(md5(g::text), 'hex') || '\\x00'::bytea, B'1011', 'ab', 'x' || g, ARRAY[g, NULL, -g], ARRAY['a,b', 'c"d', NULL, ''], ARRAY[[1, 2], [3, g]],
         '{"b": 1,   "a": [1, 2], "a": "dup"}'::json, jsonb_build_object('k', g, 'n', 1.10), (ARRAY['sad', 'ok', 'happy']::mood[])[1 + g % 3], g, ROW(g, 'x y')::pair,
         int4range(g, g + 10), md5(g::text)::uuid, '10.0.0.1/8', to_tsvector('simple', 'the quick fox ' || g), CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END
    FROM generate_series(1, 300) g;
`;

let w: ApiWorld;
let t: Target;
beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(() => closeApiWorld(w));
beforeEach(async () => {
  t = await createTarget(SCHEMA);
});
afterEach(() => closeTarget(t));

it('delete then rollback restores every type exactly (identity, generated, enum, domain, composite, json, NaN, infinity…)', async () => {
  const original = await checksum(t.other, 'public."Odd Table"');
  const { id, patch } = await storePatch(w, { table: 'public."Odd Table"', operation: 'delete', where: 'id % 2 = 0', max_rows: 150, expected_rows: 150 });
  await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
  expect((await t.other.query('SELECT count(*)::int AS n FROM public."Odd Table"')).rows[0].n).toBe(150);
  const ex = (await w.pool.query(`SELECT id FROM patch_executions WHERE patch_id = $1`, [id])).rows[0].id;
  const rb = await rollbackExecution(t.client, w.pool, ex);
  expect(rb).toMatchObject({ reinserted: 150, conflict_count: 0 });
  expect(await checksum(t.other, 'public."Odd Table"')).toBe(original);
});

it('update then rollback restores every type exactly', async () => {
  const original = await checksum(t.other, 'public."Odd Table"');
  const { id, patch } = await storePatch(w, {
    table: 'public."Odd Table"', operation: 'update',
    set: { 'Mixed Case': 'changed', j: { replaced: 1 }, jb: [1, 2], m: 'happy', p: 7, arr: '{9}', flag: true, num: 1 },
    where: '"Mixed Case" LIKE \'row%\' AND id > 100', max_rows: 200,
  });
  const r = await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
  expect(r.affected_rows).toBe(200);
  expect((await t.other.query(`SELECT count(*)::int AS n FROM public."Odd Table" WHERE twice = 14 AND "Mixed Case" = 'changed'`)).rows[0].n).toBe(200);
  await rollbackExecution(t.client, w.pool, r.execution_id);
  expect(await checksum(t.other, 'public."Odd Table"')).toBe(original);
});

it('rollback compares rows as they rendered at execute, whatever the session settings now; floats never round', async () => {
  const original = await checksum(t.other, 'public."Odd Table"');
  // The session a run gets may render differently (its role's or database's defaults).
  await t.client.query(`SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 0`);
  const { id, patch } = await storePatch(w, { table: 'public."Odd Table"', operation: 'update', set: { flag: false }, where: 'id <= 50', max_rows: 50 });
  const r = await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
  await t.client.query(`SET TimeZone = 'Asia/Kolkata'; SET IntervalStyle = 'sql_standard'`);
  const rb = await rollbackExecution(t.client, w.pool, r.execution_id);
  expect(rb).toMatchObject({ restored: 50, conflict_count: 0 });
  expect(await checksum(t.other, 'public."Odd Table"')).toBe(original);
});

describe('set values reach their columns as bind parameters would (execute streams them through settings and a cast)', () => {
  it('the typmod applies at assignment: char padded, a too-long varchar refused by execute as by the dry-run, nothing changed', async () => {
    const original = await checksum(t.other, 'public."Odd Table"');
    const tooLong = await storePatch(w, { table: 'public."Odd Table"', operation: 'update', set: { vc: 'x'.repeat(11) }, where: 'id <= 5', max_rows: 5 });
    const dry = await runError(dryRunPatch(t.client, tooLong.patch));
    const exec = await runError(executePatch(t.client, w.pool, tooLong.patch, { orgId: w.orgId, patchId: tooLong.id }));
    expect(exec).toMatchObject({ code: 'INVALID_VALUE', details: { sqlstate: '22001' } });
    expect(exec.code).toBe(dry.code);
    expect(await checksum(t.other, 'public."Odd Table"')).toBe(original);

    const { id, patch } = await storePatch(w, { table: 'public."Odd Table"', operation: 'update', set: { ch: 'ab', vc: 'ten chars!', bits: '101', c: '(5,"a b")', u: null }, where: 'id <= 5', max_rows: 5 });
    await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
    const row = await t.other.query(`SELECT ch, vc, bits::text, (c).b AS cb, u FROM public."Odd Table" WHERE id = 1`);
    expect(row.rows[0]).toEqual({ ch: 'ab   ', vc: 'ten chars!', bits: '101', cb: 'a b', u: null });
  });

  it("a cast from text that the target defines is never called: execute keeps bind parameters for that column's type", async () => {
    await t.other.query(`
      CREATE TABLE cast_calls (n int);
      CREATE FUNCTION shout(text) RETURNS mood LANGUAGE plpgsql AS $$ BEGIN INSERT INTO cast_calls VALUES (1); RETURN 'sad'; END $$;
      CREATE CAST (text AS mood) WITH FUNCTION shout(text);`);
    const original = await checksum(t.other, 'public."Odd Table"');
    const { id, patch } = await storePatch(w, { table: 'public."Odd Table"', operation: 'update', set: { m: 'happy', flag: true }, where: 'id <= 20', max_rows: 20 });
    const r = await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
    expect(r.affected_rows).toBe(20);
    expect((await t.other.query(`SELECT count(*)::int AS n FROM public."Odd Table" WHERE id <= 20 AND m = 'happy'`)).rows[0].n).toBe(20);
    expect((await t.other.query(`SELECT count(*)::int AS n FROM cast_calls`)).rows[0].n).toBe(0);
    await rollbackExecution(t.client, w.pool, r.execution_id);
    expect(await checksum(t.other, 'public."Odd Table"')).toBe(original);
  });
});
