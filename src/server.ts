// Entry point: config → database (embedded when DATABASE_URL is unset) → migrations → app → listen.
// SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the pool, exit 0.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { accessPolicies, handlers, modules, requestCosts } from '../handlers';
import { createApp } from './app';
import { loadConfigOrExit, type Config } from './config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { runMigrations } from './db/migrate';
import { answerClientErrors } from './http/client-error';
import { createPool, type Pool } from './db/pool';
import { demoBanner, demoScopes, ensureDemo, type DemoResult } from '../handlers/access/demo';
import { createLogger, type Logger } from './logger';
import { exitOnSignals } from './shutdown';
import { runKindsOf, runRecoverersOf, targetConnectorOf } from './runs/modules';
import { startRunWorker } from './runs/worker';
import { startWebhookWorker } from './webhooks/worker';

export interface Running {
  server: Server;
  pool: Pool;
  url: string;
  demo?: DemoResult;
  stop(): Promise<void>;
}

export async function start(config: Config, log: Logger): Promise<Running> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, log);
    databaseUrl = embedded.connectionString;
  }
  const applied = await runMigrations(databaseUrl);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const pool = createPool(config, databaseUrl, log);
  const demo = config.demo ? await ensureDemo(pool, modules, config.demoOwnerPassword) : undefined;
  const { app } = await createApp({ config, pool, log, handlers, policies: accessPolicies, requestCosts });
  // Webhook delivery in this process by default (WEBHOOK_WORKER=off when `npm run worker` runs it),
  // on a small pool of its own so deliveries never take the API's connections.
  const workerPool = config.webhookWorker === 'on' ? createPool({ ...config, dbPoolMax: 4 }, databaseUrl, log) : undefined;
  const worker = workerPool ? startWebhookWorker({ pool: workerPool, log, config }) : undefined;
  // Runs likewise (RUN_WORKER=off when worker processes run them): a pool of their own, a
  // connection per run in flight plus the listener and the tick.
  const runPool = config.runWorker === 'on' ? createPool({ ...config, dbPoolMax: config.runWorkerConcurrency + 2 }, databaseUrl, log) : undefined;
  const runWorker = runPool ? startRunWorker({ pool: runPool, log, config, kinds: runKindsOf(modules), connector: targetConnectorOf(modules), recoverers: runRecoverersOf(modules) }) : undefined;

  // Node enforces headersTimeout/requestTimeout only when it sweeps its connections, every
  // connectionsCheckingInterval (default 30 s): a slowloris socket lived ~30 s, not HEADERS_TIMEOUT_MS
  // (tests/faults/slowloris.test.ts). Sweep often enough for the timeouts to mean what they say.
  const server = createServer({ connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(config.headersTimeoutMs / 4))) }, app);
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  answerClientErrors(server, log);
  // While stopping, every answer says `Connection: close` (those in flight too): otherwise a
  // keep-alive client that keeps sending (a load balancer, a busy integration) is served on its
  // open socket indefinitely, close() never completes, and the shutdown ends in its timeout with
  // exit 1 (tests/faults/graceful-shutdown.test.ts). Prepended: runs before the app answers.
  let draining = false;
  const unanswered = new Set<ServerResponse>();
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) return void res.setHeader('Connection', 'close');
    unanswered.add(res);
    res.once('close', () => unanswered.delete(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address() as { port: number };
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // close() stops accepting and resolves when in-flight requests have finished;
      // idle keep-alive sockets are closed now so they do not hold it open.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      draining = true;
      for (const res of unanswered) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.closeIdleConnections();
      await closed;
      await worker?.stop();
      await workerPool?.end();
      await runWorker?.stop();
      await runPool?.end();
      await pool.end();
      if (embedded) await embedded.stop();
    })());
  return { server, pool, url, demo, stop };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit('aura-api');
  const log = createLogger(config.logLevel);
  const running = await start(config, log);
  log.info({ url: running.url }, 'listening');
  const banner = [
    '',
    `Aura API listening on ${running.url}`,
    `  Docs:     ${running.url}/docs   (Authorize with an API key, then "Try it out")`,
    `  GraphiQL: ${running.url}/graphql   (paste your key in the Headers tab)`,
    `  Spec:     ${running.url}/openapi.json`,
    `  Health:   ${running.url}/health`,
    running.demo ? demoBanner(running.url, running.demo, demoScopes(modules)) : '',
    '',
  ];
  process.stdout.write(banner.join('\n') + '\n');

  exitOnSignals(log, config.shutdownTimeoutMs, running.stop, 'finishing in-flight requests');
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`aura-api: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
