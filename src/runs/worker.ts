// The run worker: keeps up to RUN_WORKER_CONCURRENCY runs going, claimed with FOR UPDATE SKIP
// LOCKED under a lease it renews on every tick (RUN_POLL_MS). Each tick also:
//   - notices cancels (the heartbeat answers 'cancelling'; a NOTIFY wakes the tick at once) and
//     stops the target query with pg_cancel_backend from a second session;
//   - sweeps runs whose lease expired (any worker's): failed with WORKER_LOST, their target
//     backend terminated;
//   - claims queued runs of the kinds it knows;
//   - runs the modules' recoverers (what a lost run left undone, e.g. a patch execution between its
//     two commits): at start, after a sweep that failed lost runs, every minute, and on the next
//     ticks while one of them has something it could not decide yet.
// Idle, it sleeps until a NOTIFY on `runs` or the poll interval. Any number of workers share one
// database. The same shape as the webhook worker (src/webhooks/worker.ts), sharing its listener.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { listen } from '../db/listen';
import type { Logger } from '../logger';
import { RunFailure, type RunExecutor, type RunRecoverer, type TargetConnector } from '../module';
import { ActiveRun, RunCancelled, runApplicationName } from './active-run';
import type { RunConfig } from './settings';
import { appendEvent, claimRuns, finishRun, heartbeat, purgeIdempotencyKeys, RUNS_CHANNEL, sweepLost, type LostRun, type Outcome } from './store';
import { createNap } from '../nap';

export interface RunWorkerDeps {
  pool: pg.Pool;
  log: Logger;
  config: RunConfig;
  /** Executors by run kind (the modules' runKinds, merged). */
  kinds: Readonly<Record<string, RunExecutor>>;
  connector?: TargetConnector;
  /** The modules' recoverers of lost runs' leftovers (runRecoverersOf). */
  recoverers?: readonly RunRecoverer[];
}

export interface RunWorker {
  readonly id: string;
  /** Resolves once it listens for NOTIFY (or has fallen back to polling). */
  ready: Promise<void>;
  /** Stops claiming; runs in flight are stopped (target queries cancelled) and fail with WORKER_STOPPED. */
  stop(): Promise<void>;
}

const PURGE_EVERY_MS = 60 * 60 * 1000;
/** Recoverers also run this often with nothing to prompt them (e.g. a queued run cancelled before any worker claimed it). */
const RECOVER_EVERY_MS = 60 * 1000;

export function startRunWorker(deps: RunWorkerDeps): RunWorker {
  const { pool, config } = deps;
  const id = randomUUID();
  const log = deps.log.child({ component: 'run-worker', worker: id });
  const kinds = Object.keys(deps.kinds);
  const active = new Map<string, ActiveRun>();
  const running = new Set<Promise<void>>();
  let stopping = false;
  let lastPurge = 0;
  // 0: at the first tick (worker start).
  let lastRecovery = 0;
  let recoverAgain = true;

  const { sleep, nudge, forget } = createNap();

  // 'cancel:<id>' for a run of ours: stop it now rather than at the next heartbeat.
  const listener = listen(pool, log, RUNS_CHANNEL, (msg) => {
    const runId = msg.payload?.startsWith('cancel:') ? msg.payload.slice(7) : undefined;
    const run = runId ? active.get(runId) : undefined;
    if (run) void cancel(run);
    nudge();
  });

  async function cancel(run: ActiveRun) {
    if (run.stoppedFor) return run.stop(run.stoppedFor); // re-sends pg_cancel_backend for a query started since
    run.stop('cancelled');
    await appendEvent(pool, run.id, 'info', 'Cancelling: stopping the target query').catch((err) => log.warn({ err }, 'run event not written'));
  }

  async function tick() {
    // 1. Leases: renew ours; a 'cancelling' answer is a cancel; a missing one was swept (lost).
    if (active.size) {
      const held = await heartbeat(pool, { workerId: id, runIds: [...active.keys()], leaseMs: config.runLeaseMs });
      for (const run of active.values()) {
        const status = held.get(run.id);
        if (status === undefined) run.stop('lost');
        else if (status === 'cancelling') await cancel(run);
      }
    }
    // 2. Anyone's lost runs.
    const lost = await sweepLost(pool);
    for (const r of lost) {
      log.warn({ run: r.id }, 'run lost its worker (lease expired): WORKER_LOST');
      // Its transaction, if still open for nobody, keeps the recoverers' decision waiting: they retry.
      void terminateOrphan(r);
    }
    // 2b. What lost runs left undone.
    if (lost.length > 0 || recoverAgain || Date.now() - lastRecovery > RECOVER_EVERY_MS) await recover();
    // 3. New work.
    const room = config.runWorkerConcurrency - active.size;
    if (!stopping && room > 0) {
      for (const row of await claimRuns(pool, { kinds, limit: room, workerId: id, leaseMs: config.runLeaseMs })) {
        const run = new ActiveRun(row, { pool, log, workerId: id, connector: deps.connector });
        active.set(run.id, run);
        const p = execute(run).finally(() => {
          active.delete(run.id);
          running.delete(p);
          nudge();
        });
        running.add(p);
      }
    }
    if (Date.now() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = Date.now();
      const purged = await purgeIdempotencyKeys(pool);
      if (purged) log.info({ purged }, 'idempotency keys past 24 h purged');
    }
  }

  async function execute(run: ActiveRun) {
    const executor = deps.kinds[run.row.kind];
    let outcome: Outcome;
    try {
      await appendEvent(pool, run.id, 'info', 'Run started', { attempt: run.row.attempts });
      const result = await executor(run.context());
      outcome = { ok: true, result: result ?? {} };
    } catch (err) {
      outcome = failureOf(err, run);
      if (outcome.code === 'INTERNAL_ERROR') run.log.error({ err }, 'run failed unexpectedly');
    } finally {
      await run.endTargets();
    }
    try {
      const status = await finishRun(pool, run.id, id, outcome);
      if (status === null) return void run.log.warn('run finished after its lease was lost; its outcome is not recorded');
      const message = status === 'failed' && !outcome.ok ? `Run failed: ${outcome.code}` : `Run ${status}`;
      await appendEvent(pool, run.id, status === 'failed' ? 'error' : 'info', message, outcome.ok || status !== 'failed' ? {} : { code: outcome.code });
      run.log.info({ status }, 'run finished');
    } catch (err) {
      run.log.error({ err }, 'run outcome not recorded; its lease will expire (WORKER_LOST)');
    }
  }

  /** A stopped run's failure; a run being cancelled becomes 'cancelled' in finishRun whatever this says. */
  function failureOf(err: unknown, run: ActiveRun): Extract<Outcome, { ok: false }> {
    if (run.stoppedFor === 'stopping') return { ok: false, code: 'WORKER_STOPPED', message: 'The worker was shut down while the run was in progress' };
    if (err instanceof RunFailure) return { ok: false, code: err.code, message: err.message };
    if (err instanceof RunCancelled) return { ok: false, code: 'CANCELLED', message: 'The run was cancelled' };
    // 57014 without a cancel of ours: the session's statement_timeout. Never the server's text.
    if ((err as { code?: string }).code === '57014' && !run.stoppedFor) return { ok: false, code: 'STATEMENT_TIMEOUT', message: 'A statement on the target ran past its timeout' };
    return { ok: false, code: 'INTERNAL_ERROR', message: 'The run failed unexpectedly' };
  }

  async function recover() {
    lastRecovery = Date.now();
    recoverAgain = false;
    for (const recoverer of deps.recoverers ?? []) {
      try {
        if ((await recoverer({ db: pool, log, connector: deps.connector })).retry) recoverAgain = true;
      } catch (err) {
        recoverAgain = true;
        log.warn({ err }, 'run recoverer failed; retrying at the next tick');
      }
    }
  }

  /** A lost run's target session may still be working for nobody: terminate it from a fresh session. */
  async function terminateOrphan(r: LostRun) {
    if (!deps.connector || r.target_backend_pid === null || r.target_connection_id === null) return;
    let c: pg.Client | undefined;
    try {
      c = await deps.connector(pool, { orgId: r.org_id, projectId: r.project_id, connectionId: r.target_connection_id, applicationName: `auralith/sweep/${r.id}` });
      c.on('error', () => {});
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND application_name = $2', [r.target_backend_pid, runApplicationName(r.id)]);
    } catch (err) {
      log.warn({ err, run: r.id }, 'could not reach the lost run\'s target to end its session');
    } finally {
      await c?.end().catch(() => {});
    }
  }

  async function loop() {
    while (!stopping) {
      forget();
      try {
        await tick();
      } catch (err) {
        log.warn({ err }, 'run worker tick failed; retrying after the poll interval');
      }
      if (stopping) break;
      await sleep(config.runPollMs);
    }
  }

  const looping = loop();
  log.info({ kinds, concurrency: config.runWorkerConcurrency, leaseMs: config.runLeaseMs }, 'run worker started');

  return {
    id,
    ready: listener.ready,
    async stop() {
      stopping = true;
      nudge();
      await looping;
      for (const run of active.values()) run.stop('stopping');
      await Promise.allSettled([...running]);
      await listener.close();
      log.info('run worker stopped');
    },
  };
}
