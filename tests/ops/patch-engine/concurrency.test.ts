// Another transaction on the same rows: execute never mixes row versions and never waits forever.
import pg from 'pg';
import { executePatch, PatchRunError } from '../../../handlers/ops/patches/engine';
import { ITEMS_SQL } from './fixtures';
import { checksum, closeApiWorld, closeTarget, createApiWorld, createTarget, storePatch, type ApiWorld, type Target } from './world';

jest.setTimeout(60_000);

let w: ApiWorld;
let t: Target;
beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(() => closeApiWorld(w));
beforeEach(async () => {
  t = await createTarget(ITEMS_SQL(100));
});
afterEach(() => closeTarget(t));

const pid = (t: Target) => (t.client as unknown as { processID: number }).processID;

async function failure(p: Promise<unknown>): Promise<PatchRunError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PatchRunError);
    return err as PatchRunError;
  }
  throw new Error('expected a failure');
}

it('a row changed and committed by another transaction while the patch waited → CONCURRENT_UPDATE, nothing of the patch applied', async () => {
  await t.client.query(`SET lock_timeout = '30s'`);
  await t.other.query('BEGIN');
  await t.other.query('UPDATE shop.items SET qty = 99 WHERE id = 5');
  const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'update', set: { note: 'patched' }, where: 'id <= 10', max_rows: 10 });
  const running = failure(executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id }));
  // Wait (bounded) until the patch's statement is blocked on the row lock, then commit the other change.
  let waiting = false;
  const watcher = new pg.Client({ connectionString: t.db.url });
  await watcher.connect();
  for (let i = 0; i < 400 && !waiting; i++) {
    const r = await watcher.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid(t)]);
    waiting = r.rows[0]?.wait_event_type === 'Lock';
    if (!waiting) await new Promise((done) => setTimeout(done, 25));
  }
  await watcher.end();
  expect(waiting).toBe(true);
  await t.other.query('COMMIT');
  const e = await running;
  expect(e.code).toBe('CONCURRENT_UPDATE');
  expect((await t.other.query(`SELECT count(*)::int AS n FROM shop.items WHERE note = 'patched'`)).rows[0].n).toBe(0);
  expect((await t.other.query(`SELECT qty FROM shop.items WHERE id = 5`)).rows[0].qty).toBe(99);
  const ex = await w.pool.query(`SELECT state, error_code FROM patch_executions WHERE patch_id = $1`, [id]);
  expect(ex.rows).toEqual([{ state: 'aborted', error_code: 'CONCURRENT_UPDATE' }]);
});

it('rows locked by another transaction past lock_timeout → LOCK_TIMEOUT, the target unchanged', async () => {
  await t.client.query(`SET lock_timeout = '100ms'`);
  const original = await checksum(t.other, 'shop.items');
  await t.other.query('BEGIN');
  await t.other.query('SELECT 1 FROM shop.items WHERE id = 3 FOR UPDATE');
  const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'delete', where: 'id <= 10', max_rows: 10 });
  const e = await failure(executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id }));
  expect(e.code).toBe('LOCK_TIMEOUT');
  await t.other.query('ROLLBACK');
  expect(await checksum(t.other, 'shop.items')).toBe(original);
});
