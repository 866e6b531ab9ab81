// Webhook test support: a real HTTP receiver on 127.0.0.1 (never any other address), subscriptions
// arranged in the database, the engine's dependencies, and signature checks with the independent
// `standardwebhooks` package.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { attemptDelivery, type AttemptDeps } from '../../src/webhooks/attempt';
import { claimDue } from '../../src/webhooks/delivery-store';
import { createDeliveryAgents } from '../../src/webhooks/guarded-agent';
import { DEVELOPMENT_SECRETS_KEY, encryptSecret, generateSecret } from '../../src/webhooks/secrets';
import type { WebhookConfig } from '../../src/webhooks/settings';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  path: string;
}

export interface Reply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answer after this long (to test timeouts, or to hold a worker mid-batch). */
  delayMs?: number;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** How to answer the n-th request (0-based); default 200 "ok". */
  reply: (req: Received, n: number) => Reply;
  /** Resolves once `count` requests have been received. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(reply: Receiver['reply'] = () => ({})): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<{ count: number; done: () => void }> = [];
  const receiver = { received, reply } as Receiver;
  // Slow answers still due: close() cancels them, or a test's 2.5 s reply outlives its file and holds
  // the jest worker open ("a worker process has failed to exit gracefully").
  const delayed = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), path: req.url ?? '' };
      const n = received.push(r) - 1;
      const out = receiver.reply(r, n);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(out.status ?? 200, { 'content-type': 'text/plain', ...out.headers });
        res.end(out.body ?? 'ok');
      };
      if (out.delayMs) {
        const timer = setTimeout(() => (delayed.delete(timer), send()), out.delayMs);
        delayed.add(timer);
      } else send();
      for (const w of waiters.filter((w) => received.length >= w.count)) w.done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    waitFor: (count: number, timeoutMs = 10_000) =>
      new Promise<Received[]>((resolve, reject) => {
        if (received.length >= count) return resolve(received);
        const timer = setTimeout(() => reject(new Error(`receiver: ${received.length} of ${count} requests after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ count, done: () => (clearTimeout(timer), resolve(received)) });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of delayed) clearTimeout(timer);
        delayed.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  return receiver;
}

/** Verifies with the `standardwebhooks` package, as a receiver whose clock reads `nowMs` would. */
export function verifySignature(secret: string, r: Received, nowMs = Number(r.headers['webhook-timestamp']) * 1000): unknown {
  const realNow = Date.now;
  Date.now = () => nowMs;
  try {
    return new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
  } finally {
    Date.now = realNow;
  }
}

/** The engine's configuration for tests: loopback receivers allowed, short poll. */
export function testConfig(env: Record<string, string> = {}): WebhookConfig {
  return loadConfig({ NODE_ENV: 'test', WEBHOOKS_ALLOW_INSECURE_URLS: 'true', WEBHOOK_POLL_MS: '50', ...env });
}

export const silentLog = createLogger('silent');

export function attemptDeps(pool: pg.Pool, clock: () => Date, config = testConfig()): AttemptDeps & { close(): void } {
  const agents = createDeliveryAgents(config.webhooksAllowInsecureUrls, { keepAlive: false });
  return { pool, clock, agents, policy: { allowInsecure: config.webhooksAllowInsecureUrls }, timeoutMs: config.webhookTimeoutMs, secretsKeys: [DEVELOPMENT_SECRETS_KEY], close: () => agents.destroy() };
}

/** A subscription arranged in the database (no URL check: SSRF tests store refused URLs on purpose). */
export async function createEndpoint(db: pg.Pool, opts: { orgId: string; url: string; events?: string[]; active?: boolean }) {
  const id = randomUUID();
  const secret = generateSecret();
  await db.query(
    `INSERT INTO webhook_endpoints (id, org_id, url, events, active, secret_encrypted) VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, opts.orgId, opts.url, opts.events ?? ['client.created'], opts.active ?? true, encryptSecret(DEVELOPMENT_SECRETS_KEY, id, secret)],
  );
  return { id, secret };
}

/** A clock tests move by hand: retry schedules without sleeping. */
export function manualClock(start = new Date()) {
  let now = start.getTime();
  const clock = () => new Date(now);
  return Object.assign(clock, {
    advance: (ms: number) => void (now += ms),
    set: (d: Date) => void (now = d.getTime()),
  });
}

export async function deliveriesOf(db: pg.Pool, endpointId: string) {
  const { rows } = await db.query(
    `SELECT d.*, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.endpoint_id = $1 ORDER BY d.created_at, d.id`,
    [endpointId],
  );
  return rows;
}

/** A key managing webhooks, with the read scopes of every event type it may subscribe to. */
export const WEBHOOK_SCOPES = ['webhooks:read', 'webhooks:write', 'read:catalogue', 'read:clients', 'read:promotions', 'read:tickets'];
export const INSECURE_ENV = { WEBHOOKS_ALLOW_INSECURE_URLS: 'true' };

/** What a worker does on one pass, run by the test: claim what is due now, attempt it all. */
export async function deliverDue(deps: AttemptDeps, opts: { random?: () => number } = {}) {
  const workerId = randomUUID();
  const rows = await claimDue(deps.pool, { now: deps.clock(), limit: 100, workerId });
  return Promise.all(rows.map((r) => attemptDelivery(deps, r, workerId, { retries: true, affectsEndpoint: true, random: opts.random })));
}

export interface World {
  h: Harness;
  orgId: string;
  /** X-API-Key with webhooks:read, webhooks:write and the event types' read scopes. */
  key: string;
  /** Another organisation, for tenant isolation. */
  other: { orgId: string; key: string };
}

/** A harness (loopback receivers allowed unless told otherwise) with two organisations and their keys. */
export async function startWorld(opts: { env?: Record<string, string>; clock?: () => Date } = {}): Promise<World> {
  const h = await startHarness({ env: { ...INSECURE_ENV, ...opts.env }, clock: opts.clock });
  const org = await createOrg(h.db);
  const { key } = await createApiKey(h.db, { orgId: org.id, scopes: WEBHOOK_SCOPES, rateLimitPerMinute: 10_000 });
  const other = await createOrg(h.db);
  const { key: otherKey } = await createApiKey(h.db, { orgId: other.id, scopes: WEBHOOK_SCOPES, rateLimitPerMinute: 10_000 });
  return { h, orgId: org.id, key, other: { orgId: other.id, key: otherKey } };
}

/** Creates a subscription through the API; returns the response body ({webhook, secret}). */
export async function createWebhookVia(w: World, body: Record<string, unknown>, key = w.key) {
  const res = await w.h.api.post('/api/v1/webhooks').set('X-API-Key', key).send({ events: ['client.created'], ...body }).expect(201);
  return res.body as { webhook: { id: string; url: string; [k: string]: unknown }; secret: string };
}

/**
 * The describe block's world and receiver: started before its tests, closed after them, and with
 * `reset`, the receiver emptied and set back to answering 200 before each test.
 */
export function useWorldAndReceiver(
  assign: (s: { w: World; receiver: Receiver }) => void,
  opts: { world?: Parameters<typeof startWorld>[0]; reply?: Receiver['reply']; reset?: boolean } = {},
): void {
  let s: { w: World; receiver: Receiver } | undefined;
  beforeAll(async () => {
    s = { w: await startWorld(opts.world), receiver: await startReceiver(opts.reply) };
    assign(s);
  });
  if (opts.reset) {
    beforeEach(() => {
      s!.receiver.received.length = 0;
      s!.receiver.reply = () => ({});
    });
  }
  afterAll(async () => {
    await s?.receiver.close();
    await s?.w.h.close();
  });
}
