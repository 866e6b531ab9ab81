// The delivery worker: keeps up to WEBHOOK_CONCURRENCY attempts in flight, claiming due deliveries
// (FOR UPDATE SKIP LOCKED, under a lease) whenever it has room. Idle, it sleeps until a commit
// publishes an event (LISTEN webhook_deliveries) or the poll interval passes. Any number of
// workers share one database; one killed mid-attempt loses nothing (its leases expire and
// another worker retries those deliveries, with the same webhook-id).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { listen } from '../db/listen';
import type { Logger } from '../logger';
import { attemptDelivery, type AttemptDeps } from './attempt';
import { claimDue, purgeExpired } from './delivery-store';
import { createDeliveryAgents } from './guarded-agent';
import { secretsKeys, urlPolicy, type WebhookConfig } from './settings';
import { createNap } from '../nap';

export interface WebhookWorkerDeps {
  pool: pg.Pool;
  log: Logger;
  config: WebhookConfig;
  clock?: () => Date;
  /** For tests: the retry jitter's random source. */
  random?: () => number;
}

export interface WebhookWorker {
  /** Stops claiming, waits for the attempts in flight, releases the listener. */
  stop(): Promise<void>;
  /** Resolves when nothing is due and nothing is in flight (tests). */
  idle(): Promise<void>;
  /** Resolves once it listens for commits (or has fallen back to polling). */
  ready: Promise<void>;
  readonly id: string;
}

const PURGE_EVERY_MS = 60 * 60 * 1000;
const NOTIFY_CHANNEL = 'webhook_deliveries';

export function startWebhookWorker(deps: WebhookWorkerDeps): WebhookWorker {
  const { pool, config } = deps;
  // A Date has milliseconds, timestamptz microseconds: rounded up, a row made due at 12:00:00.734567
  // by the committing transaction counts as due when the NOTIFY wakes us at 12:00:00.734.
  const clock = deps.clock ?? (() => new Date(Date.now() + 1));
  const id = randomUUID();
  const log = deps.log.child({ component: 'webhook-worker', worker: id });
  const agents = createDeliveryAgents(config.webhooksAllowInsecureUrls, { maxSockets: config.webhookConcurrency });
  const attemptDeps: AttemptDeps = {
    pool,
    clock,
    agents,
    policy: urlPolicy(config),
    timeoutMs: config.webhookTimeoutMs,
    secretsKeys: secretsKeys(config),
  };
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let idleWaiters: Array<() => void> = [];
  let lastPurge = 0;

  // A nudge (notification, free slot, stop) that comes while the loop is busy is kept for its next sleep.
  const { sleep, nudge, forget } = createNap();

  const listener = listen(pool, log, NOTIFY_CHANNEL, nudge);

  // Claims are writes (a commit each): refill in batches, once half the slots are free.
  const lowWater = Math.max(1, Math.floor(config.webhookConcurrency / 2));
  function track(p: Promise<void>) {
    inFlight.add(p);
    p.finally(() => {
      inFlight.delete(p);
      if (inFlight.size <= lowWater) nudge();
    });
  }

  async function loop() {
    while (!stopping) {
      forget();
      const room = config.webhookConcurrency - inFlight.size;
      let claimed = 0;
      if (room > 0) {
        try {
          const rows = await claimDue(pool, { now: clock(), limit: room, workerId: id });
          claimed = rows.length;
          for (const row of rows) {
            track(
              attemptDelivery(attemptDeps, row, id, { retries: true, affectsEndpoint: true, random: deps.random }).then(
                ({ outcome, recorded }) => log.debug({ delivery: row.id, event: row.event_id, status: outcome.statusCode, recorded }, 'webhook attempt'),
                (err) => log.error({ err, delivery: row.id }, 'webhook attempt not recorded; the lease will expire and it will be retried'),
              ),
            );
          }
        } catch (err) {
          log.warn({ err }, 'webhook claim failed; retrying after the poll interval');
        }
        await maybePurge();
      }
      if (stopping) break;
      if (claimed === 0 && inFlight.size === 0) {
        for (const w of idleWaiters) w();
        idleWaiters = [];
      }
      // Full: wait for a slot. Drained: wait for a notification or the poll interval.
      if (claimed < room || room === 0) await sleep(config.webhookPollMs);
    }
  }

  async function maybePurge() {
    const now = clock();
    if (now.getTime() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now.getTime();
    try {
      const purged = await purgeExpired(pool, now);
      if (purged.deliveries || purged.events) log.info(purged, 'webhook retention: purged');
    } catch (err) {
      log.warn({ err }, 'webhook retention purge failed');
    }
  }

  const running = loop();
  log.info({ concurrency: config.webhookConcurrency }, 'webhook worker started');

  return {
    id,
    ready: listener.ready,
    idle: () => new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      nudge();
    }),
    async stop() {
      stopping = true;
      nudge();
      await running;
      await Promise.allSettled([...inFlight]);
      await listener.close();
      agents.destroy();
      for (const w of idleWaiters) w();
      log.info('webhook worker stopped');
    },
  };
}
