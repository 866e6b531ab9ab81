// GET /metrics in Prometheus format: requests by operationId and status, latency by operationId,
// rate-limit refusals, database pool use, webhook queue depth and oldest due age. Not public:
// it needs `Authorization: Bearer $METRICS_TOKEN` (and is off when no token is configured).
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import client from 'prom-client';
import type { Pool } from '../db/pool';

export interface Metrics {
  registry: client.Registry;
  observe(operationId: string, status: number, seconds: number): void;
  handler(req: Request, res: Response, next: NextFunction): void;
}

export function createMetrics(pool: Pool, token: string | undefined): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({ name: 'aura_http_requests_total', help: 'Requests by operation and status', labelNames: ['operation', 'status'], registers: [registry] });
  const latency = new client.Histogram({
    name: 'aura_http_request_duration_seconds',
    help: 'Request latency by operation',
    labelNames: ['operation'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const refusals = new client.Counter({ name: 'aura_rate_limit_refusals_total', help: 'Requests refused with 429', registers: [registry] });
  new client.Gauge({
    name: 'aura_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
  const depth = new client.Gauge({ name: 'aura_webhook_queue_due', help: 'Webhook deliveries due now', registers: [registry] });
  const oldest = new client.Gauge({ name: 'aura_webhook_oldest_due_seconds', help: 'Age of the oldest due webhook delivery', registers: [registry] });

  async function collectQueue(): Promise<void> {
    const { rows } = await pool.query(
      `SELECT count(*) AS due, coalesce(extract(epoch FROM now() - min(next_attempt_at)), 0) AS oldest
         FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()`,
    );
    depth.set(Number(rows[0].due));
    oldest.set(Number(rows[0].oldest));
  }

  const children = new Map<string, { requests: client.Counter.Internal; latency: client.Histogram.Internal<string> }>();

  return {
    registry,
    observe(operationId, status, seconds) {
      // Label children looked up once per (operation, status), not hashed from an object per request.
      const key = `${operationId} ${status}`;
      let child = children.get(key);
      if (!child) children.set(key, (child = { requests: requests.labels(operationId, String(status)), latency: latency.labels(operationId) }));
      child.requests.inc();
      child.latency.observe(seconds);
      if (status === 429) refusals.inc();
    },
    handler(req, res, next) {
      const sent = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const ok = token !== undefined && sent.length === token.length && timingSafeEqual(Buffer.from(sent), Buffer.from(token));
      if (!ok) return next(); // falls through to the API's 404: /metrics is not advertised
      collectQueue()
        .catch(() => undefined) // the gauges keep their last value when the database is away
        .then(() => registry.metrics())
        .then((text) => res.type(registry.contentType).send(text), next);
    },
  };
}
