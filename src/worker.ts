// `npm run worker`: webhook delivery and runs as a process of their own, to scale them apart from
// the API (then run the API with WEBHOOK_WORKER=off and RUN_WORKER=off). Any number of these
// share the API's database.
// SIGTERM/SIGINT: stop claiming, finish the webhook attempts in flight, stop the runs in flight
// (their target queries cancelled: they fail with WORKER_STOPPED), exit 0.
import { modules } from '../handlers';
import { loadConfigOrExit } from './config';
import { runMigrations } from './db/migrate';
import { createPool } from './db/pool';
import { createLogger } from './logger';
import type { RunExecutor } from './module';
import { runKindsOf, runRecoverersOf, targetConnectorOf } from './runs/modules';
import { startRunWorker } from './runs/worker';
import { exitOnSignals } from './shutdown';
import { startWebhookWorker } from './webhooks/worker';

/** The worker process; `extraKinds` lets a test fixture (tests/ops/fixtures/) add a run kind to the real worker. */
export async function runWorkerProcess(extraKinds: Readonly<Record<string, RunExecutor>> = {}): Promise<void> {
  const config = loadConfigOrExit('aura-worker');
  if (!config.databaseUrl) {
    process.stderr.write('aura-worker: DATABASE_URL must point to the API\'s database (without it, the API process delivers webhooks and executes runs itself)\n');
    process.exit(1);
  }
  const log = createLogger(config.logLevel).child({ process: 'worker' });
  // Idempotent under the migrations' advisory lock: a worker started first finds its tables.
  await runMigrations(config.databaseUrl);
  const pool = createPool(config, config.databaseUrl, log);
  const worker = startWebhookWorker({ pool, log, config });
  const runPool = createPool({ ...config, dbPoolMax: config.runWorkerConcurrency + 2 }, config.databaseUrl, log);
  const runWorker = startRunWorker({ pool: runPool, log, config, kinds: runKindsOf(modules, extraKinds), connector: targetConnectorOf(modules), recoverers: runRecoverersOf(modules) });
  await runWorker.ready;
  log.info('worker ready');

  exitOnSignals(
    log,
    config.shutdownTimeoutMs,
    () => Promise.all([worker.stop().then(() => pool.end()), runWorker.stop().then(() => runPool.end())]).then(() => undefined),
    'finishing the attempts in flight, stopping the runs in flight',
  );
}

if (require.main === module) {
  runWorkerProcess().catch((err) => {
    process.stderr.write(`aura-worker: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
