#!/usr/bin/env node
// `make soak` (not in CI): mixed load on two API processes for SOAK_MINUTES (default 10), with the
// faults of tests/faults injected on a cycle, then checks:
//   - zero 5xx outside the fault windows (inside them: 503 SERVICE_UNAVAILABLE only, or a refused
//     connection while an instance restarts);
//   - no lost webhook event: every event the POS writes produced is received by the (loopback)
//     receiver, all deliveries end delivered;
//   - the RSS of the instance that is never restarted grows less than 10 %: its floor (lowest RSS,
//     what collections leave) in the last third of the run against the first third after warm-up.
// Loopback only. Needs a PostgreSQL: DATABASE_URL (an admin URL; default the local one); a database
// aura_soak_<pid> is created and dropped (SOAK_KEEP=1 keeps it).
// Knobs: SOAK_MINUTES, SOAK_CYCLE_SECONDS (60), SOAK_CONCURRENCY (8), SOAK_WARMUP_SECONDS (60).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, Agent } from 'node:http';
import { connect as netConnect } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The helpers are TypeScript: run under tsx (re-exec once if started with plain node).
if (!process.env.AURA_SOAK_CHILD) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, AURA_SOAK_CHILD: '1' } });
  process.exit(r.status ?? 1);
}

const { default: pg } = await import('pg');
const { seedTenant } = await import('../tests/helpers/battery-world.ts');
const { createClient, createTicket, createProduit } = await import('../tests/helpers/pos-factories.ts');
const { spawnServer } = await import('../tests/helpers/server-process.ts');
const { startTcpProxy } = await import('../tests/helpers/tcp-proxy.ts');
const { hit, sleep } = await import('../tests/helpers/raw-http.ts');
const { holdKeyLock, terminateBackends } = await import('../tests/helpers/fault-support.ts');
const { listOps, collectionOf, fill } = await import('../tests/helpers/spec-ids.ts');
const { specOps, allScopes } = await import('../tests/helpers/spec-ops.ts');
const { createApiKey } = await import('../tests/helpers/factories.ts');

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CYCLE_S = Number(process.env.SOAK_CYCLE_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const WARMUP_S = Number(process.env.SOAK_WARMUP_SECONDS ?? Math.min(60, (MINUTES * 60) / 5));
const GRACE_MS = 4000; // after a fault ends, before 5xx count again
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const say = (...a) => console.log(`[soak +${((Date.now() - t0) / 1000).toFixed(0)}s]`, ...a);
const t0 = Date.now();

// --------------------------------------------------------------------------- the database
const dbName = `aura_soak_${process.pid}`;
const admin = new URL(adminUrl);
const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
{
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`CREATE DATABASE ${dbName}`);
  await c.end();
}
const proxy = await startTcpProxy({ host: admin.hostname, port: Number(admin.port || 5432), user: decodeURIComponent(admin.username || 'postgres'), password: admin.password ? decodeURIComponent(admin.password) : undefined });

// ------------------------------------------------------------------------ webhook receiver
const received = new Map(); // webhook-id → times received
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const id = String(req.headers['webhook-id']);
    received.set(id, (received.get(id) ?? 0) + 1);
    res.end('ok');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hooks`;

// --------------------------------------------------------------------------- API processes
const env = {
  NODE_ENV: 'development', // loopback receivers are refused in production (WEBHOOKS_ALLOW_INSECURE_URLS)
  WEBHOOKS_ALLOW_INSECURE_URLS: 'true',
  SERVER_TIMING: 'false',
  LOG_LEVEL: 'warn',
  DB_POOL_MAX: '8',
  DB_CONNECTION_TIMEOUT_MS: '1000',
  DB_STATEMENT_TIMEOUT_MS: '3000',
  HEADERS_TIMEOUT_MS: '2000',
  RATE_LIMIT_ORG_PER_MINUTE: '1000000000',
  WEBHOOK_POLL_MS: '250',
  SHUTDOWN_TIMEOUT_MS: '15000',
  // Every instance reads the signing secrets the others stored: one key for all (a restarted one too).
  WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64'),
  METRICS_TOKEN: randomBytes(16).toString('hex'), // the JS heap, read from /metrics beside the RSS
};
/** An instance; one that ends without being asked to is a failure, reported with its last output. */
const stopping = new Set();
async function startInstance(name) {
  const inst = await spawnServer({ databaseUrl: proxy.urlFor(dbName), env });
  inst.exited.then((exit) => {
    if (stopping.has(inst)) return;
    const tail = [...inst.output.slice(-20), ...inst.logs.slice(-10).map((l) => JSON.stringify(l))].join('\n');
    problems.push(`instance ${name} died: ${JSON.stringify(exit)}`);
    say(`instance ${name} DIED ${JSON.stringify(exit)}:\n${tail}`);
  });
  return inst;
}
const stopInstance = (inst, signal = 'SIGTERM') => (stopping.add(inst), inst.stop(signal));
const problems = [];
const instances = { a: await startInstance('a'), b: undefined };
instances.b = await startInstance('b');
const db = new pg.Pool({ connectionString: dbUrl, max: 4, application_name: 'soak-pos' });
db.on('error', () => {});
const tenant = await seedTenant(db, 'SOAK');
await db.query(`UPDATE webhook_endpoints SET active = false WHERE org_id = $1`, [tenant.orgId]); // the seed's unreachable ones
const victim = await createApiKey(db, { orgId: tenant.orgId, scopes: allScopes(), rateLimitPerMinute: 1_000_000, name: 'SOAK victim' });
const created = await hit(`${instances.a.url}/api/v1/webhooks`, {
  method: 'POST',
  headers: { 'X-API-Key': tenant.key, 'Content-Type': 'application/json' },
  body: JSON.stringify({ url: receiverUrl, events: ['client.created', 'ticket.created', 'produit.created'] }),
});
if (created.status !== 201) throw new Error(`could not subscribe the receiver: ${created.status} ${created.text}`);
const endpointId = created.body.webhook.id;
// The victim key's rate-limit window must exist for the pool-exhaustion fault to lock it.
await hit(`${instances.a.url}/api/v1/whoami`, { headers: { 'X-API-Key': victim.key } });
say(`API a ${instances.a.url}, b ${instances.b.url}; database ${dbName}; receiver ${receiverUrl}; ${MINUTES} min`);

// --------------------------------------------------------------------------- what to request
const found = new Map();
for (const op of listOps) {
  const ids = new Set();
  const parents = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const fillings = parents.length ? (found.get(collectionOf(op.path, parents[0])) ?? []).slice(0, 3).map((id) => ({ [parents[0]]: id })) : [{}];
  for (const values of fillings) {
    const r = await hit(`${instances.a.url}${fill(op.path, values)}?limit=50`, { headers: { 'X-API-Key': tenant.key } });
    for (const item of r.body?.items ?? []) if (typeof item.id === 'string') ids.add(item.id);
  }
  found.set(op.path, [...ids]);
}
const targets = [];
for (const op of specOps.filter((o) => o.method === 'get' && o.keyScopes !== null)) {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const values = Object.fromEntries(names.map((n) => [n, (found.get(collectionOf(op.path, n)) ?? [])[0] ?? '00000000-0000-4000-8000-000000000000']));
  targets.push(fill(op.path, values));
  if (!names.length) targets.push(`${op.path}?limit=500`); // an invalid one (400)
}
targets.push('/health', '/api/v1/tickets?withLignes=true&limit=200', '/api/v1/nothing-here');

// ------------------------------------------------------------------------------- faults
const windows = []; // [start, end] ms, 5xx/connection errors inside are expected
const fault = async (name, fn) => {
  const start = Date.now();
  say(`fault: ${name}`);
  try {
    await fn();
  } catch (err) {
    say(`fault ${name} failed: ${err.message}`);
  }
  windows.push([start, Date.now() + GRACE_MS, name]);
};
const inWindow = (t) => windows.some(([s, e]) => t >= s && t <= e) || faultRunning;
let faultRunning = false;

async function slowloris(port, n = 100, ms = 4000) {
  const sockets = Array.from({ length: n }, () => {
    const s = netConnect(port, '127.0.0.1');
    s.on('error', () => {});
    s.on('connect', () => s.write('GET /health HTTP/1.1\r\nHost: x\r\n'));
    return s;
  });
  const timer = setInterval(() => sockets.forEach((s) => !s.destroyed && s.write('a')), 100);
  await sleep(ms);
  clearInterval(timer);
  const open = sockets.filter((s) => !s.destroyed).length;
  sockets.forEach((s) => s.destroy());
  return open;
}

const cycle = [
  [0.15, 'terminate every backend', async () => {
    for (let i = 0; i < 3; i++) {
      await terminateBackends(db, dbName);
      await sleep(300);
    }
  }],
  [0.35, 'database away 5 s (proxy down)', async () => {
    await proxy.down();
    await sleep(5000);
    await proxy.up();
  }],
  [0.55, 'pool exhaustion and statement timeout (victim key locked 4 s)', async () => {
    const lock = await holdKeyLock(dbUrl, victim.id);
    const stuck = Array.from({ length: 12 }, () => hit(`${instances.a.url}/api/v1/produits`, { headers: { 'X-API-Key': victim.key }, timeoutMs: 10_000 }));
    await sleep(4000);
    await lock.release();
    const r = await Promise.all(stuck);
    record(r, 'victim');
  }],
  [0.7, 'slowloris on a (100 sockets, 4 s)', async () => {
    const open = await slowloris(instances.a.port);
    if (open > 0) say(`slowloris: ${open} sockets still open after 4 s (header timeout 2 s)`);
  }],
  [0.85, 'restart b under load (SIGTERM, start again)', async () => {
    const old = instances.b;
    const exit = await stopInstance(old);
    if (exit.code !== 0) problems.push(`instance b exited ${JSON.stringify(exit)} on SIGTERM: ${old.logs.slice(-5).map((l) => JSON.stringify(l)).join(' | ')}`);
    instances.b = await startInstance('b');
  }],
];

// --------------------------------------------------------------------------------- load
const stats = { requests: 0, byStatus: {}, fiveXxOutside: [], errorsOutside: [], insideFault: {} };
function record(results, who = 'load') {
  for (const r of results) {
    stats.requests++;
    const key = r.error ? `error:${r.error}` : String(r.status);
    stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
    const inside = inWindow(r.started) || inWindow(r.started + r.ms) || who === 'victim';
    if (inside) {
      stats.insideFault[key] = (stats.insideFault[key] ?? 0) + 1;
      const ok = r.error === 'ECONNREFUSED' || r.error === 'ECONNRESET' || r.status < 500 || (r.status === 503 && r.body?.code === 'SERVICE_UNAVAILABLE' && Number(r.headers?.['retry-after']) > 0);
      if (!ok) problems.push(`inside a fault window: ${r.path} → ${key} ${r.text?.slice(0, 200) ?? ''}`);
    } else if (r.error) stats.errorsOutside.push(`${r.path} → ${r.error} at +${Math.round((r.started - t0) / 1000)}s`);
    else if (r.status >= 500) stats.fiveXxOutside.push(`${r.path} → ${r.status} ${r.text?.slice(0, 200)} at +${Math.round((r.started - t0) / 1000)}s`);
  }
}

const end = t0 + MINUTES * 60_000;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
let posWrites = 0;
const loops = [
  ...Array.from({ length: CONCURRENCY }, async (_, i) => {
    for (let n = i; Date.now() < end; n++) {
      const inst = n % 2 ? instances.a : instances.b;
      const path = targets[n % targets.length];
      const r = await hit(`${inst.url}${path}`, { headers: { 'X-API-Key': tenant.key }, timeoutMs: 15_000, agent });
      record([{ ...r, path }]);
      if (r.error) await sleep(50);
    }
  }),
  // The POS: writes straight into the database (not through the API, not through the proxy).
  (async () => {
    for (let n = 0; Date.now() < end; n++) {
      try {
        if (n % 3 === 0) await createTicket(db, tenant.orgId);
        else if (n % 7 === 0) await createProduit(db, tenant.orgId, { nom: `SOAK produit ${n}` });
        else await createClient(db, tenant.orgId, { nom: `SOAK client ${n}` });
        posWrites++;
      } catch (err) {
        problems.push(`POS write failed: ${err.message}`);
      }
      await sleep(150);
    }
  })(),
  // The fault schedule.
  (async () => {
    for (let c = 0; ; c++) {
      for (const [at, name, fn] of cycle) {
        const when = t0 + WARMUP_S * 1000 + c * CYCLE_S * 1000 + at * CYCLE_S * 1000;
        if (when > end - 10_000) return;
        await sleep(Math.max(0, when - Date.now()));
        faultRunning = true;
        await fault(name, fn);
        faultRunning = false;
      }
    }
  })(),
];

// RSS of instance a (never restarted), every 5 s; and its JS heap in use (to tell a leak in our
// code from the allocator keeping memory).
const rss = [];
const heap = [];
const rssTimer = setInterval(() => {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${instances.a.child.pid}/status`, 'utf8'))[1]);
    rss.push([Date.now(), kb]);
  } catch {
    /* not on Linux: no RSS figure */
  }
  hit(`${instances.a.url}/metrics`, { headers: { Authorization: `Bearer ${env.METRICS_TOKEN}` }, timeoutMs: 3000 }).then((r) => {
    const m = /^nodejs_heap_size_used_bytes (\d+)/m.exec(r.text ?? '');
    if (m) heap.push([Date.now(), Math.round(Number(m[1]) / 1024)]);
  });
}, 5000);
const progress = setInterval(() => say(`${stats.requests} requests ${JSON.stringify(stats.byStatus)}; POS writes ${posWrites}; webhooks received ${received.size}`), 30_000);

await Promise.all(loops);
clearInterval(progress);
clearInterval(rssTimer);

// ------------------------------------------------------------------------- drain and check
say('load over; waiting for webhook deliveries to finish');
const pendingSql = `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*)::int AS total FROM webhook_deliveries WHERE endpoint_id = $1`;
let d;
for (let i = 0; i < 120; i++) {
  d = (await db.query(pendingSql, [endpointId])).rows[0];
  if (d.pending === 0) break;
  await sleep(1000);
}
const { rows: events } = await db.query(`SELECT e.id FROM webhook_events e JOIN webhook_deliveries dl ON dl.event_id = e.id WHERE dl.endpoint_id = $1`, [endpointId]);
const lost = events.filter((e) => !received.has(e.id)).map((e) => e.id);

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;
// RSS swings ±15 % with V8's collections (seen: 180 → 213 → 175 MB within minutes, heap in use
// 52–99 MB). A leak shows in the floor — what is left after collections — so compare the lowest
// RSS of the first and of the last third of the run after the warm-up.
const third = (end - (t0 + WARMUP_S * 1000)) / 3;
const warm = rss.filter(([t]) => t >= t0 + WARMUP_S * 1000 && t < t0 + WARMUP_S * 1000 + third).map(([, kb]) => kb);
const last = rss.filter(([t]) => t >= end - third).map(([, kb]) => kb);
const floor = (xs) => (xs.length ? Math.min(...xs) : NaN);
const growth = (floor(last) - floor(warm)) / floor(warm);

if (d.pending) {
  const { rows } = await db.query(
    `SELECT status, attempts, next_attempt_at, claimed_until, last_error, last_status_code FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending' LIMIT 5`,
    [endpointId],
  );
  say(`still pending, e.g.: ${JSON.stringify(rows)}`);
}
const exitA = await stopInstance(instances.a);
const exitB = await stopInstance(instances.b);
if (exitA.code !== 0 || exitB.code !== 0) problems.push(`instances exited ${JSON.stringify(exitA)} ${JSON.stringify(exitB)} on SIGTERM`);
await db.end();
await proxy.close();
receiver.close();
agent.destroy();
if (!process.env.SOAK_KEEP) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await c.end();
}

const report = {
  minutes: MINUTES,
  requests: stats.requests,
  byStatus: stats.byStatus,
  insideFaultWindows: stats.insideFault,
  faults: windows.length,
  fiveXxOutsideFaults: stats.fiveXxOutside.length,
  connectionErrorsOutsideFaults: stats.errorsOutside.length,
  posWrites,
  webhookEvents: events.length,
  webhookEventsLost: lost.length,
  deliveries: d,
  duplicatesReceived: [...received.values()].filter((n) => n > 1).length,
  rssKb: {
    floorFirstThird: floor(warm),
    floorLastThird: floor(last),
    growthPercent: Number((growth * 100).toFixed(1)),
    byMinute: Array.from({ length: Math.ceil(MINUTES) }, (_, m) => median(rss.filter(([t]) => t >= t0 + m * 60_000 && t < t0 + (m + 1) * 60_000).map(([, kb]) => kb))),
  },
  heapUsedKbByMinute: Array.from({ length: Math.ceil(MINUTES) }, (_, m) => median(heap.filter(([t]) => t >= t0 + m * 60_000 && t < t0 + (m + 1) * 60_000).map(([, kb]) => kb))),
};
console.log(JSON.stringify(report, null, 2));
const failures = [
  ...problems,
  ...stats.fiveXxOutside.slice(0, 10).map((s) => `5xx outside a fault window: ${s}`),
  ...stats.errorsOutside.slice(0, 10).map((s) => `connection error outside a fault window: ${s}`),
  ...(lost.length ? [`${lost.length} webhook events never received (e.g. ${lost.slice(0, 3).join(', ')})`] : []),
  ...(d.pending || d.failed ? [`deliveries not all delivered: ${JSON.stringify(d)}`] : []),
  ...(events.length < posWrites ? [`${posWrites} POS writes but ${events.length} events`] : []),
  ...(Number.isFinite(growth) && growth >= 0.1 ? [`RSS grew ${(growth * 100).toFixed(1)} % (limit 10 %)`] : []),
];
if (failures.length) {
  console.error(`soak: FAILED\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('soak: passed');
process.exit(0);
