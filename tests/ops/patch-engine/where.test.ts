// WHERE and patch input: parsed as a whole statement by PostgreSQL's parser, allow-listed,
// canonical. No database: these are the checks a handler makes before storing a patch (→ 400).
import { canonicalizePatch, contentHash, parseTableName, parseWhere, PatchInputError } from '../../../handlers/ops/patches/engine';

const table = { schema: 'public', name: 'items' };

async function refusal(where: string, allowAllRows = false) {
  try {
    await parseWhere(table, where, { allowAllRows });
  } catch (err) {
    expect(err).toBeInstanceOf(PatchInputError);
    return (err as PatchInputError).toJSON();
  }
  throw new Error(`accepted: ${where}`);
}

describe('where: breakouts and multiple statements are refused naming the field', () => {
  it.each([
    ['true) OR (1=1', 'INVALID_WHERE'],
    ["id = 1) OR (1=1", 'INVALID_WHERE'],
    ['1=1; DROP TABLE items', 'INVALID_WHERE'],
    ['id = 1; UPDATE items SET price = 0', 'INVALID_WHERE'],
    ['id = 1 /* unterminated', 'INVALID_WHERE'],
    ["id = 1 UNION SELECT 1 FROM items", 'INVALID_WHERE'],
    ['id = 1 FOR UPDATE', 'INVALID_WHERE'],
    ['id = 1 LIMIT 1', 'INVALID_WHERE'],
    ['id = 1 GROUP BY id', 'INVALID_WHERE'],
    ['id = 1 ORDER BY id', 'INVALID_WHERE'],
    ['id IN (WITH x AS (DELETE FROM items RETURNING id) SELECT id FROM x)', 'INVALID_WHERE'],
    ['id IN (SELECT id FROM other)', 'INVALID_WHERE'],
    ['EXISTS (SELECT 1)', 'INVALID_WHERE'],
    ['other.id = 1', 'INVALID_WHERE'],
    ['id = $1', 'INVALID_WHERE'],
    ['id OPERATOR(public.=) 1', 'INVALID_WHERE'],
    ['id = 1\u0000; DROP TABLE items', 'INVALID_WHERE'],
  ])('%s → %s', async (where, code) => {
    const e = await refusal(where);
    expect(e).toMatchObject({ field: 'where', code });
  });
});

describe('where: functions with side effects are refused', () => {
  it.each([
    'pg_sleep(10) IS NULL',
    "set_config('role', 'postgres', false) = 'x'",
    'pg_advisory_lock(1) IS NULL',
    "dblink('host=x', 'DELETE FROM t') IS NULL",
    "nextval('items_id_seq') > 0",
    'lo_unlink(1) = 1',
    "lo_import('/etc/passwd') > 0",
    'random() < 0.5',
    'clock_timestamp() > now()',
    "pg_terminate_backend(1)",
    "public.lower(name) = 'x'",
    "lower(name) = 'x' AND txid_current() > 0",
    "count(*) > 1",
    "'x'::regclass IS NOT NULL",
  ])('%s', async (where) => {
    const e = await refusal(where);
    expect(e.field).toBe('where');
    expect(e.code).toBe('INVALID_WHERE');
  });
});

describe('where: canonical form', () => {
  it('deparses to canonical SQL, pins functions to pg_catalog and drops comments', async () => {
    const p = await parseWhere(table, "  price>10   and LOWER(name) like 'a%' -- trailing comment", { allowAllRows: false });
    expect(p.canonical).toBe("price > 10 AND pg_catalog.lower(name) LIKE 'a%'");
    expect(p.columns).toEqual(['name', 'price']);
    expect(p.allRows).toBe(false);
  });

  it('the same condition written differently has one canonical form', async () => {
    const a = await parseWhere(table, 'items.id=1', { allowAllRows: false });
    const b = await parseWhere(table, '  items.id   =   1 ', { allowAllRows: false });
    expect(a.canonical).toBe(b.canonical);
  });

  it('keeps quoted identifiers and literals exact', async () => {
    const p = await parseWhere(table, `"Weird""Col" = 'it''s'`, { allowAllRows: false });
    expect(p.canonical).toBe(`"Weird""Col" = 'it''s'`);
    expect(p.columns).toEqual(['Weird"Col']);
  });

  it('accepts the usual shapes: IN, BETWEEN, IS NULL, casts, dates, json', async () => {
    const p = await parseWhere(
      table,
      "status IN ('a','b') AND name LIKE 'a!%%' ESCAPE '!' AND price BETWEEN 1 AND 2 AND deleted_at IS NULL AND created_at < now() - interval '30 days' AND (meta->>'k') = 'v' AND id::text LIKE '1%'",
      { allowAllRows: false },
    );
    expect(p.columns).toEqual(['created_at', 'deleted_at', 'id', 'meta', 'name', 'price', 'status']);
  });
});

describe('where: all-rows patches need the flag', () => {
  it.each(['', '   ', 'true', '1=1', "'a' = 'a'", '1 = 1 -- all'])('%j needs allow_all_rows', async (where) => {
    const e = await refusal(where);
    expect(e).toMatchObject({ field: 'where', code: 'ALL_ROWS_NOT_ALLOWED' });
    const ok = await parseWhere(table, where, { allowAllRows: true });
    expect(ok.allRows).toBe(true);
  });
});

describe('table names', () => {
  it('parses an identifier pair as PostgreSQL does', async () => {
    await expect(parseTableName('public.items')).resolves.toEqual({ schema: 'public', name: 'items' });
    await expect(parseTableName('Sales."Order Lines"')).resolves.toEqual({ schema: 'sales', name: 'Order Lines' });
  });

  it.each(['items', 'a.b.c', 'public.items; DROP TABLE x', 'public.items\u0000; DROP TABLE x', 'public.items WHERE true', 'public.items x', '', 'public.items, public.other'])(
    'refuses %j naming the field',
    async (name) => {
      await expect(parseTableName(name)).rejects.toMatchObject({ field: 'table' });
    },
  );
});

describe('patch input', () => {
  const base = { connection_id: '00000000-0000-4000-8000-000000000001', table: 'public.items', operation: 'update' as const, set: { price: 1 }, where: 'id < 10', max_rows: 10 };

  it('names the field of each bad input', async () => {
    await expect(canonicalizePatch({ ...base, set: {} })).rejects.toMatchObject({ field: 'set' });
    await expect(canonicalizePatch({ ...base, set: { price: undefined } as never })).rejects.toMatchObject({ field: 'set.price' });
    await expect(canonicalizePatch({ ...base, operation: 'delete' })).rejects.toMatchObject({ field: 'set' });
    await expect(canonicalizePatch({ ...base, operation: 'merge' as never })).rejects.toMatchObject({ field: 'operation' });
    await expect(canonicalizePatch({ ...base, max_rows: 0 })).rejects.toMatchObject({ field: 'max_rows' });
    await expect(canonicalizePatch({ ...base, expected_rows: 11 })).rejects.toMatchObject({ field: 'expected_rows' });
    await expect(canonicalizePatch({ ...base, connection_id: 'x' })).rejects.toMatchObject({ field: 'connection_id' });
    await expect(canonicalizePatch({ ...base, where: 'true) OR (1=1' })).rejects.toMatchObject({ field: 'where' });
  });

  it('the content hash changes with any part of the content and not with formatting', async () => {
    const h = contentHash(await canonicalizePatch(base));
    expect(contentHash(await canonicalizePatch({ ...base, where: '  id<10 ' }))).toBe(h);
    expect(contentHash(await canonicalizePatch({ ...base, set: { price: 2 } }))).not.toBe(h);
    expect(contentHash(await canonicalizePatch({ ...base, where: 'id < 11' }))).not.toBe(h);
    expect(contentHash(await canonicalizePatch({ ...base, max_rows: 11 }))).not.toBe(h);
    expect(contentHash(await canonicalizePatch({ ...base, expected_rows: 9 }))).not.toBe(h);
    expect(contentHash(await canonicalizePatch({ ...base, table: 'public.other' }))).not.toBe(h);
  });
});
