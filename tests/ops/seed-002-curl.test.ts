// Seed 002's "Exemple curl rapide", replayed with the real curl binary as written — the same
// three commands, with only the host, the account, the cookie jar's place and the key filled in:
//   curl -X POST https://app.auralith.io/api/v1/auth/login -H "Content-Type: application/json" \
//     -d '{"email":"alice@example.com","password":"..."}' -c cookies.txt
//   curl https://app.auralith.io/api/v1/projects -b cookies.txt
//   curl https://app.auralith.io/api/v1/projects -H "Authorization: Bearer ak_abc123_def456..."
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApiKey, createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { addProjectMember, createProject } from '../helpers/ops-factories';

const run = promisify(execFile);
// Loopback only: no proxy from the environment may carry curl elsewhere.
const NO_PROXY_ENV = { ...process.env, http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '', ALL_PROXY: '', all_proxy: '', NO_PROXY: '*', no_proxy: '*' };

// Verbatim from the seed (line continuations joined).
const SEED_LINES = [
  `curl -X POST https://app.auralith.io/api/v1/auth/login -H "Content-Type: application/json" -d '{"email":"alice@example.com","password":"..."}' -c cookies.txt`,
  'curl https://app.auralith.io/api/v1/projects -b cookies.txt',
  'curl https://app.auralith.io/api/v1/projects -H "Authorization: Bearer ak_abc123_def456..."',
];

describe("seed 002's curl lines", () => {
  let h: Harness;
  let dir: string;
  let fill: (line: string) => string;
  let projectId: string;
  beforeAll(async () => {
    h = await startHarness();
    dir = mkdtempSync(join(tmpdir(), 'seed-002-'));
    const org = await createOrg(h.db, { edition: 'group' });
    const password = 'correct horse battery staple';
    const alice = await createUser(h.db, { orgId: org.id, role: 'member', email: 'alice@example.com', password, name: 'Alice' });
    projectId = (await createProject(h.db, org.id, { name: 'Billing platform', createdBy: alice.id })).id;
    await addProjectMember(h.db, org.id, projectId, alice.id, 'developer');
    await createProject(h.db, org.id, { name: 'Not Alice’s' });
    const { key } = await createApiKey(h.db, { orgId: org.id, scopes: ['projects:read'] });
    fill = (line) =>
      line
        .replaceAll('https://app.auralith.io', h.baseUrl)
        .replace('"password":"..."', `"password":"${password}"`)
        .replaceAll('cookies.txt', join(dir, 'cookies.txt'))
        .replace('ak_abc123_def456...', key);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await h.close();
  });

  /** Runs one seed line through bash, as a reader would paste it; answers status and body. */
  async function curl(line: string) {
    const { stdout } = await run('bash', ['-c', `${fill(line)} -sS -w '\\n%{http_code}'`], { timeout: 20_000, env: NO_PROXY_ENV });
    const cut = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(cut + 1)), body: JSON.parse(stdout.slice(0, cut)) };
  }

  it('logs in, then lists projects with the session cookie, then with a Bearer key', async () => {
    const login = await curl(SEED_LINES[0]);
    expect(login.status).toBe(200);
    expect(login.body.csrf_token).toEqual(expect.any(String));

    const withCookie = await curl(SEED_LINES[1]);
    expect(withCookie).toEqual({ status: 200, body: { items: [expect.objectContaining({ id: projectId, name: 'Billing platform' })], total: 1, limit: 50, offset: 0 } });

    const withKey = await curl(SEED_LINES[2]);
    expect(withKey.status).toBe(200);
    expect(withKey.body.items.map((p: { name: string }) => p.name).sort()).toEqual(['Billing platform', 'Not Alice’s']);
  });

  it('without the cookie jar or the key the same lines are refused (401)', async () => {
    const anonymous = await curl('curl https://app.auralith.io/api/v1/projects');
    expect(anonymous.status).toBe(401);
  });
});
