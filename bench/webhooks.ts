// Webhook figures for `make bench`: a server with its in-process worker delivers to a receiver on
// loopback. (1) Throughput: one statement updates N clients (N client.updated events); events per
// second from that commit until the last is received. (2) Lag: single-row updates at a steady rate;
// commit → receipt per event, p50 / p99.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { generateApiKey } from '../src/auth/api-key-format';
import { freePort } from '../src/db/embedded';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
  });
}

export async function measureWebhooks(url: string, orgId: string, opts = { burst: 5000, steadyPerSecond: 50, steadySeconds: 10 }) {
  const received = new Map<string, number>(); // client id → first receipt (ms)
  let count = 0;
  const receiver = createServer(async (req, res) => {
    const payload = JSON.parse(await body(req));
    count++;
    if (payload.type === 'client.updated' && !received.has(payload.data.id)) received.set(payload.data.id, performance.now());
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  // Development mode: the receiver is a loopback http URL, which production refuses (SSRF rules).
  const port = await freePort();
  const server = spawn(process.execPath, ['dist/src/server.js'], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), NODE_ENV: 'development', LOG_LEVEL: 'warn', DEMO: 'false', WEBHOOKS_ALLOW_INSECURE_URLS: 'true', VALIDATE_RESPONSES: 'false', SERVER_TIMING: 'false', WEBHOOK_WORKER: 'on', RATE_LIMIT_ORG_PER_MINUTE: '100000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 3000; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const db = new pg.Pool({ connectionString: url, max: 4 });
  const { key, prefix, hash } = generateApiKey();
  await db.query(`INSERT INTO api_keys (org_id, name, prefix, key_hash, scopes, rate_limit_per_minute) VALUES ($1, 'bench-webhooks', $2, $3, '{webhooks:write,read:clients}', 1000000)`, [orgId, prefix, hash]);
  const created = await fetch(`${base}/api/v1/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ url: receiverUrl, events: ['client.updated'], description: 'bench' }),
  });
  if (created.status !== 201) throw new Error(`webhook subscription failed: ${created.status} ${await created.text()}`);
  const endpointId = ((await created.json()) as { webhook?: { id?: string } }).webhook?.id;

  const waitFor = async (ids: string[], timeoutMs: number) => {
    const t0 = Date.now();
    while (ids.some((id) => !received.has(id)) && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 5));
    return ids.every((id) => received.has(id));
  };

  // (1) Burst.
  const { rows: burstRows } = await db.query(`SELECT id FROM clients WHERE org_id = $1 ORDER BY id LIMIT $2`, [orgId, opts.burst]);
  const burstIds = burstRows.map((r) => r.id as string);
  const t0 = performance.now();
  await db.query(`UPDATE clients SET points_fidelite = points_fidelite + 1 WHERE id = ANY($1)`, [burstIds]);
  const committed = performance.now();
  const allBurst = await waitFor(burstIds, 120_000);
  const lastReceipt = Math.max(...burstIds.map((id) => received.get(id) ?? performance.now()));
  const burst = { events: burstIds.length, delivered: burstIds.filter((id) => received.has(id)).length, seconds: (lastReceipt - committed) / 1000, perSecond: 0, complete: allBurst };
  burst.perSecond = burst.delivered / burst.seconds;
  void t0;

  // (2) Steady: one committed update every 1/rate s; lag from each commit to its receipt.
  const { rows: steadyRows } = await db.query(`SELECT id FROM clients WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, [orgId, opts.steadyPerSecond * opts.steadySeconds]);
  const commits = new Map<string, number>();
  const interval = 1000 / opts.steadyPerSecond;
  const start = performance.now();
  for (let i = 0; i < steadyRows.length; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const id = steadyRows[i].id as string;
    received.delete(id);
    await db.query(`UPDATE clients SET points_fidelite = points_fidelite + 1 WHERE id = $1`, [id]);
    commits.set(id, performance.now());
  }
  await waitFor([...commits.keys()], 60_000);
  const lags = [...commits].filter(([id]) => received.has(id)).map(([id, at]) => received.get(id)! - at).sort((a, b) => a - b);

  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  if (endpointId) await db.query('DELETE FROM webhook_endpoints WHERE id = $1', [endpointId]).catch(() => undefined);
  await db.query(`DELETE FROM webhook_endpoints WHERE org_id = $1 AND description = 'bench'`, [orgId]).catch(() => undefined);
  await db.end();
  receiver.close();
  return {
    burst,
    steady: { events: commits.size, delivered: lags.length, ratePerSecond: opts.steadyPerSecond, lagP50Ms: percentile(lags, 50), lagP99Ms: percentile(lags, 99) },
    requestsReceived: count,
  };
}
