// SIGKILL at each step of execute (and of rollback), then reconcile from a fresh session: the
// execution is decided, and the target matches either the state before or the state after,
// never a mix.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { executePatch, reconcileExecution } from '../../../handlers/ops/patches/engine';
import { ITEMS_SQL } from './fixtures';
import { checksum, closeApiWorld, closeTarget, createApiWorld, createTarget, executionState, storePatch, type ApiWorld, type Target } from './world';

jest.setTimeout(120_000);
const ROOT = resolve(__dirname, '../../..');

let w: ApiWorld;
beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(() => closeApiWorld(w));

/** Runs the child until it reports STOPPED <step>, then SIGKILLs it and waits for its exit. */
async function killAt(env: Record<string, string>, step: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/ops/patch-engine/crash-child.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, STOP_AT: step },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let out = '';
  await new Promise<void>((done, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`STOPPED ${step}`)) done();
      if (/FINISHED|FAILED/.test(out)) fail(new Error(`child did not stop at ${step}: ${out}`));
    });
    child.once('exit', () => fail(new Error(`child exited before ${step}: ${out}`)));
  });
  child.kill('SIGKILL');
  await exited;
}

/** Reconciles until decided: the killed session's transaction ends when its server notices (bounded). */
async function reconcileUntilDecided(t: Target, executionId: string, opts: { useTxidStatus?: boolean } = {}) {
  for (let i = 0; i < 200; i++) {
    const r = await reconcileExecution(t.client, w.pool, executionId, opts);
    if (r.state === 'committed' || r.state === 'aborted') return r;
    expect(r.undecided?.reason).toBe('transaction_in_progress');
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error('not decided');
}

async function onlyExecution(patchId: string, kind = 'execute'): Promise<string> {
  const r = await w.pool.query(`SELECT id FROM patch_executions WHERE patch_id = $1 AND kind = $2`, [patchId, kind]);
  expect(r.rowCount).toBe(1);
  return r.rows[0].id;
}

describe('SIGKILL during execute', () => {
  let t: Target;
  let original: string;
  const PATCHED = (c: pg.Client) => c.query(`SELECT count(*)::int AS n FROM shop.items WHERE note = 'crashed?'`).then((r) => r.rows[0].n);
  beforeEach(async () => {
    t = await createTarget(ITEMS_SQL(2000));
    original = await checksum(t.other, 'shop.items');
  });
  afterEach(() => closeTarget(t));

  const input = { table: 'shop.items', operation: 'update' as const, set: { note: 'crashed?' }, where: 'id <= 1500', max_rows: 1500 };

  it('after the statement, before anything is committed → aborted by the protocol, the target as before', async () => {
    const { id } = await storePatch(w, input);
    await killAt({ API_URL: w.db.url, TARGET_URL: t.db.url, PATCH_ID: id }, 'afterStatement');
    const ex = await onlyExecution(id);
    expect(await executionState(w, ex)).toMatchObject({ state: 'started', changes: 0 });
    const r = await reconcileExecution(t.client, w.pool, ex);
    expect(r).toMatchObject({ state: 'aborted', decided_by: 'protocol' });
    expect(await checksum(t.other, 'shop.items')).toBe(original);
  });

  it('images committed, target not → aborted from txid_status, the target as before', async () => {
    const { id } = await storePatch(w, input);
    await killAt({ API_URL: w.db.url, TARGET_URL: t.db.url, PATCH_ID: id }, 'beforeTargetCommit');
    const ex = await onlyExecution(id);
    expect(await executionState(w, ex)).toMatchObject({ state: 'prepared', changes: 1500 });
    const r = await reconcileUntilDecided(t, ex);
    expect(r).toMatchObject({ state: 'aborted', decided_by: 'txid_status' });
    expect(await checksum(t.other, 'shop.items')).toBe(original);
  });

  it('target committed, the API not told → committed from txid_status, every row patched', async () => {
    const { id } = await storePatch(w, input);
    await killAt({ API_URL: w.db.url, TARGET_URL: t.db.url, PATCH_ID: id }, 'afterTargetCommit');
    const ex = await onlyExecution(id);
    expect(await executionState(w, ex)).toMatchObject({ state: 'prepared' });
    const r = await reconcileUntilDecided(t, ex);
    expect(r).toMatchObject({ state: 'committed', decided_by: 'txid_status' });
    expect(await PATCHED(t.other)).toBe(1500);
  });

  it('without txid_status (the target forgot the transaction), the row images decide both ways', async () => {
    const a = await storePatch(w, input);
    await killAt({ API_URL: w.db.url, TARGET_URL: t.db.url, PATCH_ID: a.id }, 'beforeTargetCommit');
    const exA = await onlyExecution(a.id);
    // Wait until the killed session is gone, so its transaction is over, as the fallback assumes.
    await reconcileUntilDecided(t, exA).then(() => w.pool.query(`UPDATE patch_executions SET state = 'prepared', decided_by = NULL WHERE id = $1`, [exA]));
    expect(await reconcileExecution(t.client, w.pool, exA, { useTxidStatus: false })).toMatchObject({ state: 'aborted', decided_by: 'row_images' });
    expect(await checksum(t.other, 'shop.items')).toBe(original);

    const b = await storePatch(w, { ...input, where: 'id <= 1000', max_rows: 1000 });
    await killAt({ API_URL: w.db.url, TARGET_URL: t.db.url, PATCH_ID: b.id }, 'afterTargetCommit');
    const exB = await onlyExecution(b.id);
    expect(await reconcileExecution(t.client, w.pool, exB, { useTxidStatus: false })).toMatchObject({ state: 'committed', decided_by: 'row_images' });
    expect(await PATCHED(t.other)).toBe(1000);
  });

  it('rows changed by someone since make the row images inconclusive: left undecided for a person', async () => {
    const { id } = await storePatch(w, { ...input, where: 'id <= 10', max_rows: 10 });
    await killAt({ API_URL: w.db.url, TARGET_URL: t.db.url, PATCH_ID: id }, 'afterTargetCommit');
    await t.other.query(`UPDATE shop.items SET note = 'someone else' WHERE id <= 10`);
    const ex = await onlyExecution(id);
    const r = await reconcileExecution(t.client, w.pool, ex, { useTxidStatus: false });
    expect(r).toMatchObject({ state: 'prepared', undecided: { reason: 'rows_inconclusive', rows_as_after: 0, rows_as_before: 0 } });
    expect(await executionState(w, ex)).toMatchObject({ state: 'prepared' });
  });
});

describe('the target session lost at COMMIT', () => {
  it('is in doubt (not taken for a refusal), and reconcile decides it from the target', async () => {
    const t = await createTarget(ITEMS_SQL(100));
    try {
      const original = await checksum(t.other, 'shop.items');
      const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'update', set: { note: 'lost' }, where: 'id <= 10', max_rows: 10 });
      const pid = (t.client as unknown as { processID: number }).processID;
      const err = await executePatch(t.client, w.pool, patch, {
        orgId: w.orgId, patchId: id,
        hooks: { beforeTargetCommit: async () => void (await t.other.query('SELECT pg_terminate_backend($1)', [pid])) },
      }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'IN_DOUBT' });
      const ex = await onlyExecution(id);
      expect(await executionState(w, ex)).toMatchObject({ state: 'prepared', changes: 10 });
      const fresh = { ...t, client: new pg.Client({ connectionString: t.db.url }) };
      await fresh.client.connect();
      try {
        expect(await reconcileUntilDecided(fresh, ex)).toMatchObject({ state: 'aborted', decided_by: 'txid_status' });
      } finally {
        await fresh.client.end();
      }
      expect(await checksum(t.other, 'shop.items')).toBe(original);
    } finally {
      await closeTarget(t);
    }
  });
});

describe('SIGKILL during rollback', () => {
  let t: Target;
  beforeEach(async () => {
    t = await createTarget(ITEMS_SQL(500));
  });
  afterEach(() => closeTarget(t));

  it.each([
    ['beforeTargetCommit', 'aborted'],
    ['afterTargetCommit', 'committed'],
  ])('killed at %s → the rollback is %s, the table all patched or all restored', async (step, state) => {
    const original = await checksum(t.other, 'shop.items');
    const { id, patch } = await storePatch(w, { table: 'shop.items', operation: 'delete', where: 'id > 250', max_rows: 250 });
    const ex = (await executePatch(t.client, w.pool, patch, { orgId: w.orgId, patchId: id })).execution_id;
    const patched = await checksum(t.other, 'shop.items');
    await killAt({ API_URL: w.db.url, TARGET_URL: t.db.url, EXECUTION_ID: ex }, step);
    const rb = await onlyExecution(id, 'rollback');
    const r = await reconcileUntilDecided(t, rb);
    expect(r.state).toBe(state);
    expect(await checksum(t.other, 'shop.items')).toBe(state === 'committed' ? original : patched);
  });
});
