#!/usr/bin/env node
// Smoke test of what a new user does first: `make start` with DATABASE_URL unset (embedded
// PostgreSQL), then /health 200, /openapi.json is OpenAPI 3.1, /docs is Swagger UI, the server runs
// on the Node that runs this script (`make test-node24` puts Node 24 first on PATH), SIGTERM ends it
// with exit code 0, and a restart would compile nothing. Used by .ci/run and `make test-node24`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

const port = await new Promise((done) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => done(port)); });
});
// Its own data directory: a `make start` the user has running keeps .data/pg to itself.
const env = { ...process.env, PORT: String(port), EMBEDDED_PG_DIR: process.env.EMBEDDED_PG_DIR || '.data/smoke-pg' };
delete env.DATABASE_URL;
const make = spawn('make', ['-s', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
make.stdout.on('data', (d) => (output += d));
make.stderr.on('data', (d) => (output += d));
const exited = new Promise((done) => make.on('exit', (code, signal) => done({ code, signal })));

const fail = (msg) => {
  console.error(`smoke: FAILED: ${msg}\n--- server output ---\n${output.slice(-4000)}`);
  try { make.kill('SIGKILL'); } catch { /* already gone */ }
  process.exit(1);
};
const base = `http://127.0.0.1:${port}`;
const deadline = Date.now() + 240_000;
let health;
while (Date.now() < deadline) {
  try { health = await fetch(`${base}/health`); if (health.status === 200) break; } catch { /* not up yet */ }
  await new Promise((r) => setTimeout(r, 500));
}
if (health?.status !== 200) fail('/health never answered 200');
console.log(`smoke: /health 200 ${JSON.stringify(await health.json())}`);

const spec = await (await fetch(`${base}/openapi.json`)).json();
if (!/^3\.1\./.test(spec.openapi)) fail(`/openapi.json is not OpenAPI 3.1 (${spec.openapi})`);
console.log(`smoke: /openapi.json is OpenAPI ${spec.openapi} with ${Object.keys(spec.paths).length} paths`);
const docs = await fetch(`${base}/docs`);
const html = await docs.text();
if (docs.status !== 200 || !html.includes('swagger-ui')) fail('/docs is not the Swagger UI page');
const asset = await fetch(`${base}/docs/assets/swagger-ui-bundle.js`);
if (asset.status !== 200) fail('/docs assets are not served locally');
console.log('smoke: /docs serves Swagger UI with local assets');

// The server is make's child (the recipe execs node): signal it alone, as an orchestrator would.
const children = readFileSync(`/proc/${make.pid}/task/${make.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
if (children.length !== 1) fail(`expected one server process under make, found ${children.length}`);
const serverNode = execFileSync(readlinkSync(`/proc/${children[0]}/exe`), ['-v'], { encoding: 'utf8' }).trim();
if (serverNode !== process.version) fail(`the server runs on Node ${serverNode}, this script on ${process.version}`);
console.log(`smoke: the server runs on Node ${serverNode}`);
process.kill(Number(children[0]), 'SIGTERM');
const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r({ timeout: true }), 30_000))]);
if (result.timeout) fail('the server did not stop within 30 s of SIGTERM');
if (result.code !== 0) fail(`make start exited with ${JSON.stringify(result)} after SIGTERM`);
console.log('smoke: SIGTERM → exit 0');
// `make start` rebuilds only what is out of date: right after a start, nothing is.
if (spawnSync('make', ['-q', 'build'], { stdio: 'ignore' }).status !== 0) fail('`make build` is not up to date right after `make start`: a restart would compile again');
console.log('smoke: a restart compiles nothing (make -q build)');
console.log('smoke: 1 passed, 0 failed');
