// `npm run worker`: webhook delivery as a process of its own, to scale delivery apart from the
// API (then run the API with WEBHOOK_WORKER=off). Any number of these share the API's database.
// SIGTERM/SIGINT: stop claiming, finish the attempts in flight, exit 0.
import { loadConfigOrExit } from './config';
import { runMigrations } from './db/migrate';
import { createPool } from './db/pool';
import { createLogger } from './logger';
import { exitOnSignals } from './shutdown';
import { startWebhookWorker } from './webhooks/worker';

async function main(): Promise<void> {
  const config = loadConfigOrExit('aura-worker');
  if (!config.databaseUrl) {
    process.stderr.write('aura-worker: DATABASE_URL must point to the API\'s database (without it, the API process delivers webhooks itself)\n');
    process.exit(1);
  }
  const log = createLogger(config.logLevel).child({ process: 'worker' });
  // Idempotent under the migrations' advisory lock: a worker started first finds its tables.
  await runMigrations(config.databaseUrl);
  const pool = createPool(config, config.databaseUrl, log);
  const worker = startWebhookWorker({ pool, log, config });

  exitOnSignals(log, config.shutdownTimeoutMs, () => worker.stop().then(() => pool.end()), 'finishing the attempts in flight');
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`aura-worker: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
