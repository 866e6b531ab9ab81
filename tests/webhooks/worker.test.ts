// The worker: two on one database deliver each event once; one killed mid-batch (SIGKILL of a
// real `npm run worker` process) loses nothing; commits wake it; stop() lets attempts finish;
// an expired lease taken over is never clobbered; retention purges what is past 30 days.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { claimDue, LEASE_MS, purgeExpired, recordOutcome } from '../../src/webhooks/delivery-store';
import { startWebhookWorker, type WebhookWorker } from '../../src/webhooks/worker';
import { repoRoot } from '../../src/paths';
import { createOrg } from '../helpers/factories';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createClient } from '../helpers/pos-factories';
import { createEndpoint, deliveriesOf, silentLog, startReceiver, testConfig, type Receiver } from './support';

async function until(check: () => Promise<boolean>, timeoutMs = 20_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the webhook worker', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  let receiver: Receiver;
  const pools: pg.Pool[] = [];
  const workers: WebhookWorker[] = [];
  const newPool = () => {
    const p = new pg.Pool({ connectionString: database.url, max: 6 });
    p.on('error', () => {}); // idle clients cut when the database is dropped at the end
    pools.push(p);
    return p;
  };
  const startWorker = (opts: { clock?: () => Date; env?: Record<string, string> } = {}) => {
    const w = startWebhookWorker({ pool: newPool(), log: silentLog, config: testConfig(opts.env), clock: opts.clock });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = newPool();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    receiver.received.length = 0;
    receiver.reply = () => ({});
  });
  afterAll(async () => {
    await receiver.close();
    await Promise.all(pools.map((p) => p.end()));
    await database.drop();
  });

  async function subscribedOrg() {
    const org = await createOrg(db);
    const ep = await createEndpoint(db, { orgId: org.id, url: receiver.url, events: ['client.created'] });
    return { org, ep };
  }
  const publish = (orgId: string, n: number) =>
    db.query(`INSERT INTO clients (org_id, nom) SELECT $1, 'client ' || g FROM generate_series(1, $2::int) g`, [orgId, n]);
  const eventIds = async (orgId: string) => (await db.query('SELECT id FROM webhook_events WHERE org_id = $1', [orgId])).rows.map((r) => r.id as string).sort();

  it('two workers on one database: every event delivered exactly once', async () => {
    const { org, ep } = await subscribedOrg();
    receiver.reply = () => ({ delayMs: 5 });
    await publish(org.id, 300);
    const a = startWorker({ env: { WEBHOOK_CONCURRENCY: '8' } });
    const b = startWorker({ env: { WEBHOOK_CONCURRENCY: '8' } });
    await receiver.waitFor(300, 30_000);
    await Promise.all([a.idle(), b.idle()]);
    const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    expect([...new Set(ids)].sort()).toEqual(await eventIds(org.id));
    const ds = await deliveriesOf(db, ep.id);
    expect(ds.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
  });

  it('a worker process killed mid-batch loses nothing: the rest arrive, a repeat has the same webhook-id', async () => {
    const { org, ep } = await subscribedOrg();
    await publish(org.id, 60);
    receiver.reply = () => ({ delayMs: 300 }); // keeps attempts in flight when the kill comes
    // `node --import tsx`, not the tsx CLI: the CLI would run the worker in a child that outlives a SIGKILL.
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join('src', 'worker.ts')], {
      cwd: repoRoot,
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url, WEBHOOKS_ALLOW_INSECURE_URLS: 'true', WEBHOOK_CONCURRENCY: '10', WEBHOOK_POLL_MS: '50' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await receiver.waitFor(15, 30_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = receiver.received.length;
    const { rows: left } = await db.query(
      `SELECT count(*)::int AS pending, count(*) FILTER (WHERE claimed_by IS NOT NULL)::int AS in_flight
         FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending'`,
      [ep.id],
    );
    // It really died mid-batch: attempts under its lease, others not yet taken.
    expect(left[0].in_flight).toBeGreaterThan(0);
    expect(left[0].pending).toBeGreaterThan(left[0].in_flight);

    // Another worker, once the dead one's leases have expired (its clock is past them).
    receiver.reply = () => ({});
    startWorker({ clock: () => new Date(Date.now() + LEASE_MS + 1000) });
    await until(async () => (await deliveriesOf(db, ep.id)).every((d) => d.status === 'delivered'), 30_000, 'every delivery delivered');

    const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
    expect([...new Set(ids)].sort()).toEqual(await eventIds(org.id)); // nothing lost
    const repeats = ids.length - new Set(ids).size;
    // Only attempts in flight at the kill (at most its concurrency) can arrive twice — same id.
    expect(repeats).toBeLessThanOrEqual(10);
    expect(before).toBeGreaterThanOrEqual(15);
  }, 60_000);

  it('a commit wakes an idle worker at once (LISTEN/NOTIFY), long before its poll interval', async () => {
    const { org } = await subscribedOrg();
    // The next poll is a minute away: a delivery within the 15 s wait can only come from the NOTIFY.
    const w = startWorker({ env: { WEBHOOK_POLL_MS: '60000' } });
    await w.ready;
    await w.idle();
    await createClient(db, org.id);
    await receiver.waitFor(1, 15_000);
  });

  it('the LISTEN connection cut by the server: the worker reconnects and commits wake it again', async () => {
    const { org } = await subscribedOrg();
    const w = startWorker({ env: { WEBHOOK_POLL_MS: '60000' } });
    await w.ready;
    await w.idle();
    const listeners = async () =>
      (await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`)).rows.map((r) => r.pid as number);
    const [first] = await listeners();
    expect(first).toBeDefined();
    await db.query('SELECT pg_terminate_backend($1)', [first]);
    await until(async () => (await listeners()).some((pid) => pid !== first), 15_000, 'a new LISTEN connection');
    await createClient(db, org.id);
    await receiver.waitFor(1, 15_000); // the poll is a minute away: only the new LISTEN can wake it
    await w.stop(); // and closing after a reconnect releases each connection once (pg-pool throws on a second)
  }, 40_000);

  it('a stopped worker leaves no LISTEN connection behind for a later server error to trip over', async () => {
    const w = startWorker();
    await w.ready;
    await w.stop();
    // The old listener went back to the pool with its error handler still attached: a server-side
    // termination then released it a second time, and pg-pool's throw crashed the process.
    const { rows } = await db.query(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    expect(rows[0].n).toBeGreaterThan(0); // the stopped worker's pool still holds idle connections
    await new Promise((r) => setTimeout(r, 300)); // let any error event arrive while this test runs
    const { rows: listening } = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`);
    expect(listening[0].n).toBe(0);
  });

  it('stop() lets the attempts in flight finish and record their outcome', async () => {
    const { org, ep } = await subscribedOrg();
    receiver.reply = () => ({ delayMs: 300 });
    const w = startWorker();
    await createClient(db, org.id);
    await receiver.waitFor(1);
    await w.stop();
    const [d] = await deliveriesOf(db, ep.id);
    expect(d).toMatchObject({ status: 'delivered', claimed_by: null });
  });

  it('an expired lease taken over by another worker is not clobbered by the late one', async () => {
    const { org, ep } = await subscribedOrg();
    await createClient(db, org.id);
    const now = new Date();
    const [late] = await claimDue(db, { now, limit: 10, workerId: '00000000-0000-4000-8000-000000000001' });
    expect(await claimDue(db, { now, limit: 10, workerId: '00000000-0000-4000-8000-000000000002' })).toEqual([]); // leased
    const later = new Date(now.getTime() + LEASE_MS + 1);
    const [taker] = await claimDue(db, { now: later, limit: 10, workerId: '00000000-0000-4000-8000-000000000002' });
    expect(taker.id).toBe(late.id);
    const ok = { ok: true, statusCode: 200, durationMs: 5, responseBody: 'ok', error: null, retryAfterSeconds: null };
    const fail = { ...ok, ok: false, statusCode: 500, error: 'HTTP 500' };
    expect(await recordOutcome(db, taker, '00000000-0000-4000-8000-000000000002', ok, later, { retries: true, affectsEndpoint: true })).toBe('delivered');
    expect(await recordOutcome(db, late, '00000000-0000-4000-8000-000000000001', fail, later, { retries: true, affectsEndpoint: true })).toBe('lost');
    const [d] = await deliveriesOf(db, ep.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200 });
  });

  it('retention: finished deliveries older than 30 days go, then events nothing refers to; pending ones stay', async () => {
    const { org, ep } = await subscribedOrg();
    await publish(org.id, 3);
    const ds = await deliveriesOf(db, ep.id);
    const old = "now() - interval '31 days'";
    await db.query(`UPDATE webhook_deliveries SET status = 'delivered', next_attempt_at = NULL, delivered_at = ${old} WHERE id = $1`, [ds[0].id]);
    await db.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, failed_at = now() WHERE id = $1`, [ds[1].id]);
    // (set_updated_at keeps updated_at = now(): age them past it, as 31 days would.)
    await db.query(`ALTER TABLE webhook_deliveries DISABLE TRIGGER webhook_deliveries_updated_at`);
    await db.query(`UPDATE webhook_deliveries SET updated_at = ${old} WHERE id = $1`, [ds[0].id]);
    await db.query(`ALTER TABLE webhook_deliveries ENABLE TRIGGER webhook_deliveries_updated_at`);
    await db.query(`UPDATE webhook_events SET created_at = ${old} WHERE org_id = $1`, [org.id]);

    const purged = await purgeExpired(db, new Date());
    expect(purged).toEqual({ deliveries: 1, events: 1 });
    const left = await deliveriesOf(db, ep.id);
    expect(left.map((d) => d.id).sort()).toEqual([ds[1].id, ds[2].id].sort());
    expect((await eventIds(org.id)).sort()).toEqual([ds[1].event_id, ds[2].event_id].sort());
  });
});
