// The QA workflows (tests/workflows/*.arazzo.yaml) run by `redocly respect`, through the same
// runner as `make workflows SERVER=…` (scripts/run-workflows.mjs), against the live app on its
// own database: an owner, the demo POS data, and a webhook receiver — all on 127.0.0.1.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seedPosDemo } from '../../handlers/pos/demo/data';
import { createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

const root = resolve(__dirname, '../..');
const TZ = 'Europe/Brussels';

let h: Harness;
let owner: { email: string; password: string };
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
let jsonDir: string;

beforeAll(async () => {
  h = await startHarness({ env: { WEBHOOKS_ALLOW_INSECURE_URLS: 'true' } });
  const org = await createOrg(h.db, { timezone: TZ });
  owner = await createUser(h.db, { orgId: org.id, role: 'owner' });
  await seedPosDemo(h.db, org.id);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/aura-hooks`;
  jsonDir = mkdtempSync(join(tmpdir(), 'aura-respect-'));
}, 120_000);

afterAll(async () => {
  await new Promise((done) => receiver?.close(done));
  await h?.close();
  if (jsonDir) rmSync(jsonDir, { recursive: true, force: true });
});

const dayIn = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d);
const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

function runWorkflow(name: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'scripts', 'run-workflows.mjs'), '--server', h.baseUrl, '--only', name, '--json-dir', jsonDir],
      {
        cwd: root,
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: '1', AURA_EMAIL: owner.email, AURA_PASSWORD: owner.password, ...env },
      },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

/** Fails with respect's own output (every step and check), so a red run says why. */
function expectPassed(r: { code: number; output: string }): void {
  if (r.code !== 0) throw new Error(`run-workflows exited ${r.code}:\n${r.output.slice(-12_000)}`);
}

/** A workflow leaves no live key and no subscription behind. */
async function expectCleanedUp(): Promise<void> {
  const { rows } = await h.db.query(
    `SELECT (SELECT count(*)::int FROM api_keys WHERE name LIKE 'QA workflow%' AND revoked_at IS NULL) AS keys,
            (SELECT count(*)::int FROM webhook_endpoints) AS webhooks`,
  );
  expect(rows[0]).toEqual({ keys: 0, webhooks: 0 });
}

interface Check { name: string; passed: boolean; message?: string; severity?: string }
interface Report { status: string; files: Record<string, { executedWorkflows: Array<{ workflowId: string; executedSteps: Array<{ stepId: string; checks: Check[] }> }> }> }

/** The steps respect ran, each with whether all its checks passed. */
function stepsOf(name: string): Array<{ step: string; passed: boolean; checks: number }> {
  const report = JSON.parse(readFileSync(join(jsonDir, `${name}.json`), 'utf8')) as Report;
  return Object.values(report.files).flatMap((f) =>
    f.executedWorkflows.flatMap((w) => w.executedSteps.map((s) => ({ step: s.stepId, passed: s.checks.every((c) => c.passed), checks: s.checks.length }))),
  );
}

it('every workflow file has a case here', () => {
  const files = readdirSync(join(root, 'tests', 'workflows')).filter((f) => f.endsWith('.arazzo.yaml')).sort();
  expect(files).toEqual(['etl-tickets.arazzo.yaml', 'owner-key-lifecycle.arazzo.yaml', 'webhooks.arazzo.yaml']);
});

it('(a) an owner creates a read:catalogue key, walks products, is refused tickets, revokes the key', async () => {
  const run = await runWorkflow('owner-key-lifecycle');
  expectPassed(run);
  expect(run.output).not.toContain(owner.password);
  expect(stepsOf('owner-key-lifecycle')).toEqual(
    ['signIn', 'createKey', 'firstPage', 'secondPage', 'pastTheEnd', 'refusedTickets', 'revokeKey', 'refusedAfterRevocation', 'signOut'].map((step) => ({
      step, passed: true, checks: expect.any(Number),
    })),
  );
  await expectCleanedUp();
}, 120_000);

it('(b) ETL: the tickets of a week with their lines, page by page', async () => {
  const debut = addDays(dayIn(new Date()), -14);
  const fin = addDays(debut, 6);
  // Enough tickets that the workflow's three pages of 50 are all full.
  const { rows } = await h.db.query(`SELECT count(*)::int AS n FROM tickets WHERE (date_heure AT TIME ZONE $1)::date BETWEEN $2 AND $3`, [TZ, debut, fin]);
  expect(rows[0].n).toBeGreaterThan(150);
  expectPassed(await runWorkflow('etl-tickets', { AURA_DEBUT: debut, AURA_FIN: fin }));
  expect(stepsOf('etl-tickets')).toEqual(
    ['signIn', 'createEtlKey', 'page1', 'page2', 'page3', 'pastTheEnd', 'oneTicket', 'revokeEtlKey', 'signOut'].map((step) => ({ step, passed: true, checks: expect.any(Number) })),
  );
  await expectCleanedUp();
}, 120_000);

it('(c) webhooks: subscribe a receiver, send a test, read the delivery log', async () => {
  const before = received.length;
  expectPassed(await runWorkflow('webhooks', { AURA_WEBHOOK_RECEIVER_URL: receiverUrl }));
  expect(stepsOf('webhooks')).toEqual(
    ['signIn', 'createIntegrationKey', 'eventTypes', 'subscribe', 'sendTest', 'deliveryLog', 'unsubscribe', 'revokeIntegrationKey', 'signOut'].map((step) => ({
      step, passed: true, checks: expect.any(Number),
    })),
  );
  const got = received.slice(before);
  expect(got).toHaveLength(1);
  expect(JSON.parse(got[0].body)).toMatchObject({ type: 'webhook.test' });
  expect(got[0].headers['webhook-signature']).toMatch(/^v1,/);
  await expectCleanedUp();
}, 120_000);

it('a failing step fails the run (wrong password: the sign-in step fails)', async () => {
  const { code, output } = await runWorkflow('owner-key-lifecycle', { AURA_PASSWORD: 'not-the-password' });
  expect(code).toBe(1);
  expect(output).toMatch(/FAIL\s+owner-key-lifecycle/);
  expect(output).not.toContain('not-the-password');
}, 120_000);

it('without a receiver URL the webhooks workflow is skipped, and says so', async () => {
  const { code, output } = await runWorkflow('webhooks', { AURA_WEBHOOK_RECEIVER_URL: '' });
  expect(code).toBe(0);
  expect(output).toMatch(/SKIP\s+webhooks \(AURA_WEBHOOK_RECEIVER_URL is not set\)/);
}, 120_000);
