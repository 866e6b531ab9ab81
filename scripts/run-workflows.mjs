#!/usr/bin/env node
// make workflows SERVER=https://…: runs the Arazzo workflows in tests/workflows/ with
// `redocly respect` against any environment, and fails when any step fails.
//
//   node scripts/run-workflows.mjs --server <url> [--only <name>] [--json-dir <dir>] [--verbose]
//
// Inputs come from the environment (never from the command line of this script):
//   AURA_EMAIL, AURA_PASSWORD  an owner of an organisation with API access (required)
//   AURA_DEBUT, AURA_FIN       the ETL's date range, YYYY-MM-DD (default: last Monday–Sunday week)
//   AURA_WEBHOOK_RECEIVER_URL  where the webhooks workflow subscribes (an https URL that answers
//                              2xx; http/loopback only where the server allows insecure URLs).
//                              Unset: the webhooks workflow is skipped, and says so.
// Each workflow creates the API keys it needs and revokes them, and deletes what it creates.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'tests', 'workflows');
const redocly = join(root, 'node_modules', '.bin', 'redocly');

const { values: args } = parseArgs({
  options: {
    server: { type: 'string' },
    only: { type: 'string', multiple: true },
    'json-dir': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const usage = (msg) => {
  console.error(`run-workflows: ${msg}\nusage: node scripts/run-workflows.mjs --server <url> [--only <name>] [--json-dir <dir>] [--verbose]`);
  process.exit(2);
};
if (!args.server) usage('--server is required (make workflows SERVER=https://…)');
try {
  const u = new URL(args.server);
  if (!['http:', 'https:'].includes(u.protocol)) throw new Error();
} catch {
  usage(`--server must be an http(s) URL (got "${args.server}")`);
}
const server = args.server.replace(/\/+$/, '');
const env = process.env;
for (const name of ['AURA_EMAIL', 'AURA_PASSWORD']) if (!env[name]) usage(`${name} is not set`);

/** Last Monday–Sunday week, as dates (the server reads them in the organisation's time zone). */
function lastWeek(now = new Date()) {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  const monday = new Date(d);
  monday.setUTCDate(d.getUTCDate() - sinceMonday - 7);
  const sunday = new Date(monday);
  sunday.setUTCDate(monday.getUTCDate() + 6);
  return [monday.toISOString().slice(0, 10), sunday.toISOString().slice(0, 10)];
}
const [debut, fin] = env.AURA_DEBUT && env.AURA_FIN ? [env.AURA_DEBUT, env.AURA_FIN] : lastWeek();

const credentials = { email: env.AURA_EMAIL, password: env.AURA_PASSWORD };
/** Each workflow file, and the inputs it takes; null: skipped, with the reason. */
const WORKFLOWS = {
  'owner-key-lifecycle': () => credentials,
  'etl-tickets': () => ({ ...credentials, debut, fin }),
  webhooks: () =>
    env.AURA_WEBHOOK_RECEIVER_URL ? { ...credentials, receiverUrl: env.AURA_WEBHOOK_RECEIVER_URL } : 'AURA_WEBHOOK_RECEIVER_URL is not set',
};

const files = readdirSync(dir).filter((f) => f.endsWith('.arazzo.yaml')).sort();
for (const f of files) if (!(f.replace(/\.arazzo\.yaml$/, '') in WORKFLOWS)) usage(`tests/workflows/${f} has no inputs in scripts/run-workflows.mjs`);
const chosen = files.map((f) => f.replace(/\.arazzo\.yaml$/, '')).filter((n) => !args.only || args.only.includes(n));
if (args.only) for (const n of args.only) if (!chosen.includes(n)) usage(`no workflow named ${n} (have: ${Object.keys(WORKFLOWS).join(', ')})`);

const jsonDir = args['json-dir'] ?? mkdtempSync(join(tmpdir(), 'aura-workflows-'));

function respect(name, inputs) {
  const jsonOut = join(jsonDir, `${name}.json`);
  const argv = ['respect', join(dir, `${name}.arazzo.yaml`), '--server', `aura=${server}`, '--input', JSON.stringify(inputs), '--json-output', jsonOut, '--max-fetch-timeout', '30000'];
  if (args.verbose) argv.push('--verbose');
  return new Promise((done) => {
    // Inherits stdout/stderr: respect prints every step and check, secrets masked.
    const child = spawn(redocly, argv, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
    child.on('exit', (code) => {
      let report = null;
      try {
        report = JSON.parse(readFileSync(jsonOut, 'utf8'));
      } catch {
        // no report: respect failed before running (the exit code says so)
      }
      done({ name, code, report });
    });
  });
}

/** Steps that failed, from respect's JSON report: "workflow/step: check — message". */
function failedSteps(report) {
  const out = [];
  for (const file of Object.values(report?.files ?? {})) {
    for (const wf of file.executedWorkflows ?? []) {
      for (const step of wf.executedSteps ?? []) {
        for (const check of step.checks ?? []) {
          if (!check.passed && check.severity !== 'warn' && check.severity !== 'off') out.push(`${wf.workflowId}/${step.stepId}: ${check.name} — ${check.message}`);
        }
      }
    }
  }
  return out;
}

const results = [];
for (const name of chosen) {
  const inputs = WORKFLOWS[name]();
  if (typeof inputs === 'string') {
    console.log(`\nrun-workflows: ${name}: SKIPPED (${inputs})`);
    results.push({ name, skipped: inputs });
    continue;
  }
  console.log(`\nrun-workflows: ${name} against ${server}`);
  const r = await respect(name, inputs);
  results.push(r);
}

console.log('\nrun-workflows: summary');
let failed = false;
for (const r of results) {
  if (r.skipped) {
    console.log(`  SKIP  ${r.name} (${r.skipped})`);
    continue;
  }
  const problems = failedSteps(r.report);
  const ok = r.code === 0 && r.report?.status === 'success' && problems.length === 0;
  failed ||= !ok;
  console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${r.name}${ok ? '' : ` (exit ${r.code}, status ${r.report?.status ?? 'no report'})`}`);
  for (const p of problems) console.log(`        ${p}`);
}
if (!args['json-dir']) rmSync(jsonDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
