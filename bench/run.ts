// make bench — the full stack against two baselines measured in the same run, on the same data:
//   full  the API as deployed (production settings: response validation and Server-Timing off; NODE_ENV stays development only so the loopback identity provider's http issuer is accepted for the JWT path)
//   B1    bare express running the same SQL sequence (key lookup + rate limit, then the query)
//   B2    bare express running only the query
// Data (5,000 produits, 50,000 clients, 1,000,000 tickets with their lines; a sales team of 50 and
// 1,000,000 leads with their calls and payments) is generated once with gen:data and cached in the
// `aura_bench` database (DATABASE_URL's server, else an embedded PostgreSQL under .data/bench-pg).
// Writes bench/results/<timestamp>.{json,md}.
// Each endpoint is measured in BENCH_ROUNDS rounds, the servers taking turns in a rotating order,
// and each figure is the median over the rounds: on a shared machine one long run per server lets
// a passing neighbour decide the ratio. The per-round ratios' range is printed beside the median.
// The mass-patch row (bench/patch.ts): executePatch of a 100,000-row update vs the same UPDATE with psql.
// Knobs: BENCH_TICKETS, BENCH_LEADS, BENCH_CONNECTIONS (10), BENCH_WARMUP (3 s), BENCH_DURATION (5 s a round), BENCH_ROUNDS (3),
// BENCH_PATCH_ROWS (100,000), BENCH_PATCH_ROUNDS (5).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { generateApiKey } from '../src/auth/api-key-format';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded';
import { runMigrations } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { repoRoot } from '../src/paths';
import { measureRouters } from './router.bench';
import { measurePatch } from './patch';
import { measureWebhooks } from './webhooks';
import { IdentityProvider } from '../tests/helpers/identity-provider';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ORG_LIMIT = 100_000_000; // limits are exercised (one call per request), never reached
const DATASET = `v1:${TICKETS}:5000:50000`;
const PARTNER_DATASET = `v1:${LEADS}:50`;
const log = createLogger('warn');
const say = (s: string) => process.stdout.write(`bench: ${s}\n`);

async function database(): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'aura_bench'`);
    if (!exists.rowCount) await admin.query('CREATE DATABASE aura_bench');
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/aura_bench';
    return { url: url.toString() };
  }
  const embedded = await startEmbeddedPostgres('.data/bench-pg', 0, log, 'aura_bench');
  return { url: embedded.connectionString, stop: embedded.stop };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

async function ensureData(db: pg.Pool, url: string): Promise<void> {
  await db.query('CREATE TABLE IF NOT EXISTS bench_meta (k text PRIMARY KEY, v text NOT NULL)');
  const { rows } = await db.query(`SELECT v FROM bench_meta WHERE k = 'dataset'`);
  if (rows[0]?.v === DATASET) say(`data cached (${DATASET})`);
  else await generatePos(db, url);
  await ensurePartnerData(db, url);
}

/** The partner data set, cached apart from the POS one: a database from before it keeps its tickets. */
async function ensurePartnerData(db: pg.Pool, url: string): Promise<void> {
  const { rows } = await db.query(`SELECT v FROM bench_meta WHERE k = 'partner'`);
  if (rows[0]?.v === PARTNER_DATASET) {
    say(`partner data cached (${PARTNER_DATASET})`);
    return;
  }
  say(`generating partner data (${LEADS} leads) — once; cached afterwards`);
  const t0 = Date.now();
  // Another size was asked for: start over (calls, payments and commissions go with their leads).
  for (const table of ['leads', 'booking_links', 'products', 'team_members']) {
    await db.query(`DELETE FROM ${table} WHERE org_id = (SELECT id FROM organisations WHERE slug = 'bench')`);
  }
  await run(join(repoRoot, 'node_modules/.bin/tsx'), ['src/cli/gen-data.ts', '--module', 'partner', '--org', 'bench', '--leads', String(LEADS), '--members', '50'], { DATABASE_URL: url });
  await db.query(`INSERT INTO bench_meta VALUES ('partner', $1) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v`, [PARTNER_DATASET]);
  say(`partner data generated in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function generatePos(db: pg.Pool, url: string): Promise<void> {
  say(`generating data (${TICKETS} tickets) — once; cached afterwards`);
  const t0 = Date.now();
  await run(join(repoRoot, 'node_modules/.bin/tsx'), ['src/cli/gen-data.ts', '--org', 'bench', '--tickets', String(TICKETS), '--produits', '5000', '--clients', '50000'], { DATABASE_URL: url });
  await db.query('ANALYZE');
  await db.query(`INSERT INTO bench_meta VALUES ('dataset', $1) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v`, [DATASET]);
  say(`data generated in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
}

async function waitHealthy(url: string, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return Date.now() - t0;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} did not become healthy`);
}

async function startServer(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Server & { startupMs: number }> {
  const port = await freePort();
  const t0 = Date.now();
  const child = spawn(cmd, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return { name, url, child, startupMs: Date.now() - t0 };
}

const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface Endpoint {
  id: string;
  label: string;
  path: (i: number) => string;
  auth: boolean;
  /** A JSON body: the request is then a POST of it (POST /graphql). */
  body?: string;
}

/** `key` is an API key (X-API-Key), or with `bearer` any bearer token (an identity provider's JWT). */
async function load(server: Server, ep: Endpoint, key: string, seconds: number, bearer = false) {
  let i = 0;
  const result = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { ...(!ep.auth ? {} : bearer ? { authorization: `Bearer ${key}` } : { 'x-api-key': key }), ...(ep.body ? { 'content-type': 'application/json' } : {}) },
    requests: [{ setupRequest: (req) => ({ ...req, path: ep.path(i++), ...(ep.body ? { method: 'POST' as const, body: ep.body } : {}) }) }],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

type Sample = Awaited<ReturnType<typeof load>>;

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

/** Each figure's median over the rounds (errors and non-2xx summed). */
function medianOf(samples: Sample[]): Sample {
  return {
    rps: median(samples.map((r) => r.rps)),
    p50: median(samples.map((r) => r.p50)),
    p99: median(samples.map((r) => r.p99)),
    non2xx: samples.reduce((n, r) => n + r.non2xx, 0),
    errors: samples.reduce((n, r) => n + r.errors, 0),
  };
}

const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

async function main(): Promise<void> {
  if (!Number.isInteger(LEADS) || LEADS < 1) throw new Error('BENCH_LEADS must be a whole number of leads, at least 1 (the leads endpoint reads them)');
  const { url, stop } = await database();
  await runMigrations(url);
  const db = new pg.Pool({ connectionString: url, max: 2 });
  await ensureData(db, url);
  const { rows: org } = await db.query(`SELECT id, timezone FROM organisations WHERE slug = 'bench'`);
  const orgId: string = org[0].id;
  const { key, prefix, hash } = generateApiKey();
  await db.query(
    `INSERT INTO api_keys (org_id, name, prefix, key_hash, scopes, rate_limit_per_minute) VALUES ($1, 'bench', $2, $3, $4, 1000000)`,
    [orgId, prefix, hash, ['read:catalogue', 'read:clients', 'read:tickets', 'read:promotions', 'read:leads']],
  );
  // A closer's pipeline: the busiest closer's new leads (the most rows to count for `total`).
  const { rows: pipeline } = await db.query(
    `SELECT assigned_to_id AS closer, count(*)::int AS n FROM leads WHERE org_id = $1 AND status = 'new' AND assigned_to_id IS NOT NULL
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    [orgId],
  );
  const ids = (await db.query(`SELECT id FROM clients WHERE org_id = $1 ORDER BY random() LIMIT 5000`, [orgId])).rows.map((r) => r.id);
  const { rows: week } = await db.query(
    `SELECT to_char((max(date_heure) AT TIME ZONE $2)::date - 6, 'YYYY-MM-DD') AS debut, to_char((max(date_heure) AT TIME ZONE $2)::date, 'YYYY-MM-DD') AS fin
       FROM tickets WHERE org_id = $1`,
    [orgId, org[0].timezone],
  );
  const endpoints: Endpoint[] = [
    { id: 'produits', label: 'GET /api/v1/produits?limit=50', path: () => '/api/v1/produits?limit=50', auth: true },
    { id: 'tickets', label: 'GET /api/v1/tickets (one week, withLignes, limit=50)', path: () => `/api/v1/tickets?debut=${week[0].debut}&fin=${week[0].fin}&withLignes=true&limit=50`, auth: true },
    {
      id: 'leads',
      label: `GET /api/v1/leads?assigned_to=…&status=new&limit=50 (a closer's ${pipeline[0].n.toLocaleString('en')} new leads of ${LEADS.toLocaleString('en')})`,
      path: () => `/api/v1/leads?assigned_to=${pipeline[0].closer}&status=new&limit=50`,
      auth: true,
    },
    { id: 'client', label: 'GET /api/v1/clients/{id} (random ids)', path: (i) => `/api/v1/clients/${ids[(i * 7919) % ids.length]}`, auth: true },
    { id: 'health', label: 'GET /health', path: () => '/health', auth: false },
  ];

  // The JWT path (seed 001's mobile and web apps): a loopback identity provider, its organisation
  // linked to the bench one, and an admin's token valid for the whole run.
  const idp = await IdentityProvider.start();
  const signingKey = await idp.newKey('RS256');
  idp.published = [signingKey];
  await db.query(`DELETE FROM identity_org_links WHERE org_id = $1`, [orgId]);
  await db.query(`INSERT INTO identity_org_links (org_id, issuer, external_org_id) VALUES ($1, $2, 'org_bench')`, [orgId, idp.issuer]);
  const jwt = await idp.sign(signingKey, Date.now(), { v: 2, o: { id: 'org_bench', rol: 'admin' }, exp: Math.floor(Date.now() / 1000) + 6 * 3600 });

  const serverEnv = {
    DATABASE_URL: url, NODE_ENV: 'development', LOG_LEVEL: 'warn', DEMO: 'false', RATE_LIMIT_ORG_PER_MINUTE: String(ORG_LIMIT), WEBHOOK_WORKER: 'off',
    // Production settings otherwise (an http issuer is refused in production: this one is on loopback).
    VALIDATE_RESPONSES: 'false', SERVER_TIMING: 'false',
    JWT_ISSUER: idp.issuer, JWT_USER_RATE_LIMIT_PER_MINUTE: '1000000000',
  };
  const node = process.execPath;
  const tsx = join(repoRoot, 'node_modules/.bin/tsx');
  const full = await startServer('full', node, ['dist/src/server.js'], serverEnv);
  const validating = await startServer('full+validation', node, ['dist/src/server.js'], { ...serverEnv, VALIDATE_RESPONSES: 'true' });
  const servers: Server[] = [full];
  for (const kind of ['B1', 'B2']) {
    const port = await freePort();
    const child = spawn(tsx, ['bench/baseline.ts', kind, String(port)], { env: { ...process.env, ...serverEnv, BENCH_ORG_ID: orgId }, stdio: ['ignore', 'ignore', 'inherit'] });
    const s = { name: kind, url: `http://127.0.0.1:${port}`, child };
    await waitHealthy(s.url);
    servers.push(s);
  }

  const results: Record<string, Record<string, Sample>> = {};
  const roundRatios: Record<string, { B1: number[]; B2: number[] }> = {};
  for (const ep of endpoints) {
    results[ep.id] = {};
    for (const s of servers) {
      await load(s, ep, key, WARMUP);
    }
    const samples: Record<string, Sample[]> = Object.fromEntries(servers.map((s) => [s.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < servers.length; k++) {
        const s = servers[(round + k) % servers.length];
        const r = await load(s, ep, key, DURATION);
        samples[s.name].push(r);
        say(`${ep.id.padEnd(8)} ${s.name.padEnd(4)} round ${round + 1}: ${r.rps.toFixed(0)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non2xx ${r.non2xx}`);
      }
    }
    for (const s of servers) results[ep.id][s.name] = medianOf(samples[s.name]);
    roundRatios[ep.id] = {
      B1: samples.full.map((f, i) => f.rps / samples.B1[i].rps),
      B2: samples.full.map((f, i) => f.rps / samples.B2[i].rps),
    };
  }
  // The JWT path next to the API key's, on the full server and one endpoint, in alternating rounds.
  const jwtEp = endpoints.find((e) => e.id === 'produits')!;
  await load(full, jwtEp, jwt, WARMUP, true);
  const jwtRounds: Array<{ jwt: Sample; key: Sample }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const pair = round % 2 === 0
      ? { jwt: await load(full, jwtEp, jwt, DURATION, true), key: await load(full, jwtEp, key, DURATION) }
      : { key: await load(full, jwtEp, key, DURATION), jwt: await load(full, jwtEp, jwt, DURATION, true) };
    say(`jwt/key  round ${round + 1}: ${pair.jwt.rps.toFixed(0)} vs ${pair.key.rps.toFixed(0)} req/s  non2xx ${pair.jwt.non2xx}`);
    jwtRounds.push(pair);
  }
  const jwtPath = { jwt: medianOf(jwtRounds.map((r) => r.jwt)), key: medianOf(jwtRounds.map((r) => r.key)), ratios: jwtRounds.map((r) => r.jwt.rps / r.key.rps) };

  // GraphQL next to REST: the closer's pipeline as one query selecting every field of the REST
  // body, on the full server, in alternating rounds (parse and validation are cached per text).
  const leadsEp = endpoints.find((e) => e.id === 'leads')!;
  const leadFields = 'id first_name last_name email phone status source utm { source medium campaign content term } assigned_to_id booking_link_id last_contacted_at created_at updated_at';
  const graphqlEp: Endpoint = {
    id: 'graphql',
    label: 'POST /graphql { leads(assigned_to: …, status: new, limit: 50) { every field } }',
    path: () => '/graphql',
    auth: true,
    body: JSON.stringify({ query: `{ leads(assigned_to: "${pipeline[0].closer}", status: new, limit: 50) { items { ${leadFields} } total limit offset } }` }),
  };
  await load(full, graphqlEp, key, WARMUP);
  const graphqlRounds: Array<{ graphql: Sample; rest: Sample }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const pair = round % 2 === 0
      ? { graphql: await load(full, graphqlEp, key, DURATION), rest: await load(full, leadsEp, key, DURATION) }
      : { rest: await load(full, leadsEp, key, DURATION), graphql: await load(full, graphqlEp, key, DURATION) };
    say(`graphql/rest round ${round + 1}: ${pair.graphql.rps.toFixed(0)} vs ${pair.rest.rps.toFixed(0)} req/s  non2xx ${pair.graphql.non2xx}`);
    graphqlRounds.push(pair);
  }
  const graphqlPath = { graphql: medianOf(graphqlRounds.map((r) => r.graphql)), rest: medianOf(graphqlRounds.map((r) => r.rest)), ratios: graphqlRounds.map((r) => r.graphql.rps / r.rest.rps) };
  await idp.close();

  // Response validation's cost: the same endpoints with validation on (it is off in production).
  const validation: Record<string, { on: number; off: number; ratio: number }> = {};
  for (const ep of endpoints.filter((e) => e.id === 'produits' || e.id === 'client')) {
    await load(validating, ep, key, WARMUP);
    const on = (await load(validating, ep, key, DURATION)).rps;
    validation[ep.id] = { on, off: results[ep.id].full.rps, ratio: on / results[ep.id].full.rps };
  }
  const rssMb = peakRssMb(full.child.pid!);
  for (const s of [...servers, validating]) s.child.kill('SIGTERM');

  // Start-up: process start → /health 200, with the database already running (median of 3).
  const startups: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = await startServer('startup', node, ['dist/src/server.js'], serverEnv);
    startups.push(s.startupMs);
    s.child.kill('SIGTERM');
  }
  startups.sort((a, b) => a - b);
  const routers = measureRouters();
  say('webhooks: burst and steady delivery to a loopback receiver');
  const webhooks = await measureWebhooks(url, orgId);
  say('patch: executePatch of a 100,000-row update vs the same UPDATE with psql');
  const patch = await measurePatch(url, orgId);

  const ratio = (ep: string, a: string, b: string) => results[ep][a].rps / results[ep][b].rps;
  const targets = [
    ['full/B1 req/s ≥ 0.85 (produits)', ratio('produits', 'full', 'B1'), (v: number) => v >= 0.85],
    ['full/B1 req/s ≥ 0.85 (client)', ratio('client', 'full', 'B1'), (v: number) => v >= 0.85],
    ['p99 full/B1 ≤ 1.5 (produits)', results.produits.full.p99 / Math.max(results.produits.B1.p99, 1), (v: number) => v <= 1.5],
    ['p99 full/B1 ≤ 1.5 (client)', results.client.full.p99 / Math.max(results.client.B1.p99, 1), (v: number) => v <= 1.5],
    ['full/B2 req/s ≥ 0.6 (produits)', ratio('produits', 'full', 'B2'), (v: number) => v >= 0.6],
    ['full/B2 req/s ≥ 0.6 (client)', ratio('client', 'full', 'B2'), (v: number) => v >= 0.6],
    ['leads assigned_to+status p50 < 50 ms', results.leads.full.p50, (v: number) => v < 50],
    ['JWT/key req/s ≥ 0.8 (produits)', jwtPath.jwt.rps / jwtPath.key.rps, (v: number) => v >= 0.8],
    ['router 300/10 ops ≤ 1.2', routers.trie.ratio, (v: number) => v <= 1.2],
    ['peak RSS < 250 MB', rssMb, (v: number) => v < 250],
    ['start-up < 1500 ms', startups[1], (v: number) => v < 1500],
    [`patch execute/psql UPDATE ≤ 2.5 (${patch.rows.toLocaleString('en')} rows)`, patch.ratio, (v: number) => v <= 2.5],
  ] as const;

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const md: string[] = [
    `### make bench — ${new Date().toISOString()} (${CONNECTIONS} connections, ${WARMUP} s warm-up, median of ${ROUNDS} rounds of ${DURATION} s, ${TICKETS.toLocaleString('en')} tickets, ${LEADS.toLocaleString('en')} leads)`,
    '',
    '| endpoint | server | req/s | p50 ms | p99 ms | full/B1 (rounds) | full/B2 (rounds) |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const ep of endpoints) {
    for (const s of servers) {
      const r = results[ep.id][s.name];
      const cells = s.name === 'full'
        ? [`${ratio(ep.id, 'full', 'B1').toFixed(2)} (${range(roundRatios[ep.id].B1)})`, `${ratio(ep.id, 'full', 'B2').toFixed(2)} (${range(roundRatios[ep.id].B2)})`]
        : ['', ''];
      md.push(`| ${s.name === 'full' ? ep.label : ''} | ${s.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${cells.join(' | ')} |`);
    }
  }
  md.push(
    '',
    '| GraphQL vs REST (full server, alternating rounds) | req/s | p50 ms | p99 ms | graphql/REST (rounds) |',
    '|---|---:|---:|---:|---:|',
    `| ${graphqlEp.label} | ${graphqlPath.graphql.rps.toFixed(0)} | ${graphqlPath.graphql.p50} | ${graphqlPath.graphql.p99} | ${(graphqlPath.graphql.rps / graphqlPath.rest.rps).toFixed(2)} (${range(graphqlPath.ratios)}) |`,
    `| ${leadsEp.label.replace(/ \(.*$/, '')} | ${graphqlPath.rest.rps.toFixed(0)} | ${graphqlPath.rest.p50} | ${graphqlPath.rest.p99} |  |`,
  );
  md.push(
    '',
    `| Mass patch (issue #18), median of ${patch.rounds} rounds | ms | executePatch/psql (rounds) |`,
    '|---|---:|---:|',
    `| executePatch: UPDATE of ${patch.rows.toLocaleString('en')} rows, both images committed to the API, two commits | ${patch.engine.toFixed(0)} | ${patch.ratio.toFixed(2)} (${range(patch.roundRatios)}) |`,
    `| the same UPDATE with psql (\\timing; the whole psql process: ${patch.psqlWallMs.toFixed(0)} ms) | ${patch.psql.toFixed(0)} |  |`,
  );
  md.push('', '| target | value | met |', '|---|---:|---|');
  for (const [name, value, ok] of targets) md.push(`| ${name} | ${value.toFixed(2)} | ${ok(value) ? 'yes' : '**no**'} |`);
  md.push(
    '',
    `Response validation on (development/tests) vs off (production): ${Object.entries(validation).map(([k, v]) => `${k} ${v.ratio.toFixed(2)}×`).join(', ')} of the req/s.`,
    `JWT vs API key on ${jwtEp.label} (full server, alternating rounds): ${jwtPath.jwt.rps.toFixed(0)} vs ${jwtPath.key.rps.toFixed(0)} req/s, ` +
      `jwt/key ${(jwtPath.jwt.rps / jwtPath.key.rps).toFixed(2)} (rounds ${range(jwtPath.ratios)}); p50 ${jwtPath.jwt.p50} vs ${jwtPath.key.p50} ms; non-2xx ${jwtPath.jwt.non2xx}.`,
    `Router: trie ${routers.trie.small.toFixed(0)} ns (10 ops) vs ${routers.trie.large.toFixed(0)} ns (300 ops); openapi-backend's stock matcher ${(routers.stock.small / 1000).toFixed(0)} µs vs ${(routers.stock.large / 1000).toFixed(0)} µs.`,
    `Peak RSS of the full server under load: ${rssMb.toFixed(0)} MB. Start-up to /health 200: ${startups.join(', ')} ms.`,
    `Webhooks (one in-process worker, loopback receiver): a burst of ${webhooks.burst.events} events delivered at ${webhooks.burst.perSecond.toFixed(0)} events/s` +
      ` (${webhooks.burst.delivered}/${webhooks.burst.events} in ${webhooks.burst.seconds.toFixed(1)} s); at a steady ${webhooks.steady.ratePerSecond} events/s, commit → delivery lag` +
      ` p50 ${webhooks.steady.lagP50Ms?.toFixed(1)} ms, p99 ${webhooks.steady.lagP99Ms?.toFixed(1)} ms (${webhooks.steady.delivered}/${webhooks.steady.events} delivered).`,
  );
  writeFileSync(join(outDir, `${stamp}.json`), JSON.stringify({ at: new Date().toISOString(), connections: CONNECTIONS, warmup: WARMUP, duration: DURATION, rounds: ROUNDS, tickets: TICKETS, leads: LEADS, results, roundRatios, jwtPath, graphqlPath, validation, rssMb, startups, routers, webhooks, patch }, null, 2));
  writeFileSync(join(outDir, `${stamp}.md`), md.join('\n') + '\n');
  writeFileSync(join(outDir, 'latest.md'), md.join('\n') + '\n');
  process.stdout.write('\n' + md.join('\n') + '\n');
  await db.end();
  await stop?.();
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
