// Execute and rollback on real targets, with the images in the API's database.
import { executePatch, loadPatch, rollbackExecution } from '../../../handlers/ops/patches/engine';
import { ITEMS_SQL } from './fixtures';
import { checksum, closeApiWorld, closeTarget, createApiWorld, createTarget, executionState, storePatch, type ApiWorld, type Target, runError } from './world';

jest.setTimeout(180_000);

let w: ApiWorld;
beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(() => closeApiWorld(w));

describe('execute then rollback over 100,000 rows', () => {
  let t: Target;
  beforeAll(async () => {
    t = await createTarget(ITEMS_SQL(100_000));
  });
  afterAll(() => closeTarget(t));

  it('changes exactly the matched rows, stores every image, and the rollback restores the checksum exactly', async () => {
    const original = await checksum(t.other, 'shop.items');
    const { id, patch } = await storePatch(w, {
      table: 'shop.items', operation: 'update', set: { price: 1, ratio: 0.1, meta: { replaced: true }, note: null, tags: '{a,b}' },
      where: 'id % 10 <> 0', max_rows: 100_000, expected_rows: 90_000,
    });
    const r = await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
    expect(r.affected_rows).toBe(90_000);
    expect(await executionState(w, r.execution_id)).toMatchObject({ state: 'committed', decided_by: 'commit', affected_rows: 90_000, changes: 90_000 });
    const changed = await t.other.query(`SELECT count(*)::int AS n FROM shop.items WHERE price = 1 AND meta = '{"replaced": true}' AND tags = '{a,b}'`);
    expect(changed.rows[0].n).toBe(90_000);
    expect(await checksum(t.other, 'shop.items')).not.toBe(original);
    // Images are exact: a numeric beyond JavaScript's precision survives the trip.
    const img = await w.pool.query(`SELECT before->'meta'->>'big' AS big FROM patch_changes WHERE execution_id = $1 AND ord = 1`, [r.execution_id]);
    expect(img.rows[0].big).toBe('12345678901234567890.123456789');

    const rb = await rollbackExecution(t.client, w.pool, r.execution_id);
    expect(rb).toMatchObject({ restored: 90_000, reinserted: 0, conflict_count: 0, already_restored: 0, dry_run: false });
    expect(await checksum(t.other, 'shop.items')).toBe(original);
    expect(await executionState(w, rb.execution_id!)).toMatchObject({ state: 'committed', changes: 90_000 });

  });

  it('a stored patch altered outside the engine no longer matches its hash and is refused', async () => {
    const { id } = await storePatch(w, { table: 'shop.items', operation: 'update', set: { qty: 1 }, where: 'id = 6', max_rows: 1 });
    await expect(loadPatch(w.pool, id)).resolves.toMatchObject({ id, patch: { where: 'id = 6' } });
    await w.pool.query(`UPDATE patches SET where_sql = 'id > 6' WHERE id = $1`, [id]);
    await expect(loadPatch(w.pool, id)).rejects.toMatchObject({ code: 'PATCH_CHANGED' });
  });

  it('a patch executes once', async () => {
    const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'update', set: { qty: 1 }, where: 'id = 5', max_rows: 1 });
    await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
    const e = await runError(executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id }));
    expect(e.code).toBe('ALREADY_EXECUTED');
  });
});

describe('row-count guards', () => {
  let t: Target;
  beforeAll(async () => {
    t = await createTarget(ITEMS_SQL(1000));
  });
  afterAll(() => closeTarget(t));

  it('over max_rows → ROW_COUNT_GUARD, the target unchanged, the execution aborted with no images', async () => {
    const original = await checksum(t.other, 'shop.items');
    const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'update', set: { price: 0 }, where: 'id > 100', max_rows: 899 });
    const e = await runError(executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id }));
    expect(e).toMatchObject({ code: 'ROW_COUNT_GUARD', details: { max_rows: 899, affected_rows_at_least: 900 } });
    expect(await checksum(t.other, 'shop.items')).toBe(original);
    const ex = await w.pool.query(`SELECT id FROM patch_executions WHERE patch_id = $1`, [id]);
    expect(await executionState(w, ex.rows[0].id)).toMatchObject({ state: 'aborted', error_code: 'ROW_COUNT_GUARD', changes: 0 });
  });

  it('a count different from expected_rows → ROW_COUNT_GUARD, the target unchanged', async () => {
    const original = await checksum(t.other, 'shop.items');
    const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'delete', where: 'id <= 10', max_rows: 100, expected_rows: 9 });
    const e = await runError(executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id }));
    expect(e).toMatchObject({ code: 'ROW_COUNT_GUARD', details: { expected_rows: 9, affected_rows: 10 } });
    expect(await checksum(t.other, 'shop.items')).toBe(original);
  });

  it('an aborted execute can be tried again once the patch is right', async () => {
    const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'update', set: { qty: 42 }, where: 'id <= 10', max_rows: 100, expected_rows: 11 });
    await runError(executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id }));
    const fixed = { ...patch, expectedRows: 10 };
    const r = await executePatch(t.client, w.pool, fixed, { orgId: w.orgId, patchId: id });
    expect(r.affected_rows).toBe(10);
  });
});

describe('rollback conflicts, force, delete and dry-run', () => {
  let t: Target;
  beforeEach(async () => {
    t = await createTarget(ITEMS_SQL(200));
  });
  afterEach(() => closeTarget(t));

  it('a row edited after execute is a conflict and is not overwritten; force overrides', async () => {
    const original = await checksum(t.other, 'shop.items');
    const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'update', set: { note: 'patched' }, where: 'id <= 20', max_rows: 20 });
    const ex = await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
    await t.other.query(`UPDATE shop.items SET note = 'edited by a person' WHERE id = 7`);
    await t.other.query(`DELETE FROM shop.items WHERE id = 8`);

    const dry = await rollbackExecution(t.client, w.pool, ex.execution_id, { dryRun: true });
    expect(dry).toMatchObject({ execution_id: null, dry_run: true, restored: 18, conflict_count: 2 });
    expect((await t.other.query(`SELECT count(*)::int AS n FROM shop.items WHERE note = 'patched'`)).rows[0].n).toBe(18);

    const rb = await rollbackExecution(t.client, w.pool, ex.execution_id);
    expect(rb).toMatchObject({ restored: 18, conflict_count: 2 });
    expect(rb.conflicts).toEqual(expect.arrayContaining([{ pk: { id: 7 }, reason: 'changed_since' }, { pk: { id: 8 }, reason: 'deleted_since' }]));
    expect((await t.other.query(`SELECT note FROM shop.items WHERE id = 7`)).rows[0].note).toBe('edited by a person');
    expect((await t.other.query(`SELECT count(*)::int AS n FROM shop.items WHERE id = 8`)).rows[0].n).toBe(0);
    const stored = await w.pool.query(`SELECT conflicts FROM patch_executions WHERE id = $1`, [rb.execution_id]);
    expect(stored.rows[0].conflicts).toHaveLength(2);

    // A second rollback leaves restored rows alone; with force it takes the conflicting ones too.
    const forced = await rollbackExecution(t.client, w.pool, ex.execution_id, { force: true });
    expect(forced).toMatchObject({ forced: true, already_restored: 18, conflict_count: 2, restored: 1, reinserted: 1 });
    expect(await checksum(t.other, 'shop.items')).toBe(original);
  });

  it('delete then rollback re-inserts the rows exactly', async () => {
    const original = await checksum(t.other, 'shop.items');
    const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'delete', where: "note IS NULL AND id <= 120 AND created_at > '2023-12-31'", max_rows: 100 });
    const ex = await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
    expect(ex.affected_rows).toBe(60);
    expect((await t.other.query('SELECT count(*)::int AS n FROM shop.items')).rows[0].n).toBe(140);
    const after = await w.pool.query(`SELECT count(*)::int AS n FROM patch_changes WHERE execution_id = $1 AND after IS NULL AND before IS NOT NULL`, [ex.execution_id]);
    expect(after.rows[0].n).toBe(60);

    const dry = await rollbackExecution(t.client, w.pool, ex.execution_id, { dryRun: true });
    expect(dry).toMatchObject({ reinserted: 60, conflict_count: 0 });
    expect((await t.other.query('SELECT count(*)::int AS n FROM shop.items')).rows[0].n).toBe(140);

    const rb = await rollbackExecution(t.client, w.pool, ex.execution_id);
    expect(rb).toMatchObject({ reinserted: 60, restored: 0, conflict_count: 0 });
    expect(await checksum(t.other, 'shop.items')).toBe(original);
  });

  it('a row re-created with other values after a delete is a conflict', async () => {
    const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'delete', where: 'id IN (1, 2)', max_rows: 2 });
    const ex = await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
    await t.other.query(`INSERT INTO shop.items (id, name, price, created_at) VALUES (1, 'new one', 5, now())`);
    const rb = await rollbackExecution(t.client, w.pool, ex.execution_id);
    expect(rb).toMatchObject({ reinserted: 1, conflict_count: 1, conflicts: [{ pk: { id: 1 }, reason: 'exists_since' }] });
    expect((await t.other.query('SELECT name FROM shop.items WHERE id = 1')).rows[0].name).toBe('new one');
  });

  it('a rollback whose re-insert hits a constraint changes nothing and says which', async () => {
    await t.other.query('CREATE UNIQUE INDEX items_name_key ON shop.items (name)');
    const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'delete', where: 'id = 3', max_rows: 1 });
    const ex = await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id });
    await t.other.query(`INSERT INTO shop.items (id, name, price, created_at) VALUES (1000, 'item 3', 5, now())`);
    const sum = await checksum(t.other, 'shop.items');
    const e = await runError(rollbackExecution(t.client, w.pool, ex.execution_id));
    expect(e).toMatchObject({ code: 'CONSTRAINT_VIOLATION', details: { constraint: 'items_name_key' } });
    expect(await checksum(t.other, 'shop.items')).toBe(sum);
    const rbs = await w.pool.query(`SELECT state FROM patch_executions WHERE reverts_execution_id = $1`, [ex.execution_id]);
    expect(rbs.rows).toEqual([{ state: 'aborted' }]);
  });
});
