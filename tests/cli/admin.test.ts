// The admin CLI against a real database: its commands run in-process through its `main(argv, io)`
// (exit code, stdout, stderr, stdin as a user sees them, without a cold start per command), and
// one smoke test runs it as a user would, a child process, to prove the entry point itself.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { main } from '../../src/cli/admin';
import { decryptSecret, encryptSecret, generateSecret } from '../../src/webhooks/secrets';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';

const tsx = join(__dirname, '../../node_modules/.bin/tsx');
const cli = join(__dirname, '../../src/cli/admin.ts');

describe('npm run admin', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  const adminWith = async (env: Record<string, string>, args: string[], stdin = '') => {
    let stdout = '';
    let stderr = '';
    const io = { env: { DATABASE_URL: database.url, LOG_LEVEL: 'silent', ...env }, stdin: Readable.from([stdin]), stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) };
    const code = await main(args, io);
    return { code, stdout, stderr };
  };
  const admin = (...args: string[]) => adminWith({}, args);
  beforeAll(async () => {
    database = await createTestDatabase();
    db = ignoreTeardownTermination(new pg.Pool({ connectionString: database.url, max: 2 }));
  });
  afterAll(async () => {
    await db.end();
    await database.drop();
  });

  it('bootstraps an install: organisation, owner, key (alone on the last line), list, revoke', async () => {
    expect((await admin('create-org', '--name', 'Chez Paul', '--slug', 'chez-paul', '--edition', 'restaurant_group')).code).toBe(0);
    const user = await admin('create-user', '--org', 'chez-paul', '--email', 'paul@chez.test', '--role', 'owner');
    expect(user.code).toBe(0);
    expect(user.stdout).toMatch(/^password: \S{12,}$/m);

    const key = await admin('create-key', '--org', 'chez-paul', '--name', 'ETL', '--scopes', 'read:catalogue,read:tickets', '--rate-limit', '120');
    expect(key.code).toBe(0);
    const lines = key.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^ak_[0-9a-f]{64}$/);
    const { rows } = await db.query('SELECT id, scopes, rate_limit_per_minute FROM api_keys');
    expect(rows).toEqual([{ id: expect.any(String), scopes: ['read:catalogue', 'read:tickets'], rate_limit_per_minute: 120 }]);

    expect((await admin('list-keys', '--org', 'chez-paul')).stdout).toContain('active');
    expect((await admin('revoke-key', '--id', rows[0].id)).code).toBe(0);
    expect((await admin('list-keys', '--org', 'chez-paul')).stdout).toContain('revoked');
    const audit = await db.query('SELECT action FROM audit_events ORDER BY created_at');
    expect(audit.rows.map((r) => r.action)).toEqual(['member.added', 'api_key.created', 'api_key.revoked']);
  });

  it.each([
    ['read:catalogue,read:leads', 100],
    ['read:catalogue,read:tickets', 60],
  ])('create-key --scopes %s without --rate-limit gives the scopes\' default, %i/min', async (scopes, limit) => {
    await admin('create-org', '--name', 'Limits', '--slug', `limits-${limit}`);
    const r = await admin('create-key', '--org', `limits-${limit}`, '--name', 'Partner app', '--scopes', scopes);
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining(`, ${limit}/min — shown once:`)]);
    const { rows } = await db.query(`SELECT k.rate_limit_per_minute FROM api_keys k JOIN organisations o ON o.id = k.org_id WHERE o.slug = $1`, [`limits-${limit}`]);
    expect(rows).toEqual([{ rate_limit_per_minute: limit }]);
  });

  it('takes the password from stdin when asked', async () => {
    await admin('create-org', '--name', 'Stdin', '--slug', 'stdin-org');
    const r = await adminWith({}, ['create-user', '--org', 'stdin-org', '--email', 'in@stdin.test', '--role', 'admin', '--password-stdin'], 'a long enough password\n');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/password:/);
    const { rows } = await db.query(`SELECT password_hash FROM users WHERE email = 'in@stdin.test'`);
    expect(rows[0].password_hash).toMatch(/^scrypt\$/);
  });

  // The real thing once: a process started from the command line, its stdin a pipe, its exit code
  // the command's. A cold tsx start costs seconds, more on a loaded machine: a generous budget.
  it('as a child process: reads stdin, prints, exits 0', async () => {
    await admin('create-org', '--name', 'Smoke', '--slug', 'smoke-org');
    const env = { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' };
    const child = execFile(tsx, [cli, 'create-user', '--org', 'smoke-org', '--email', 'smoke@cli.test', '--role', 'owner', '--password-stdin'], { env });
    let stdout = '';
    child.stdout!.on('data', (c: string) => (stdout += c));
    child.stdin!.end('another long password\n');
    const code = await new Promise((r) => child.on('exit', r));
    expect([code, stdout]).toEqual([0, expect.stringMatching(/^created user smoke@cli\.test \(\S+\) as owner of smoke-org$/m)]);
    const { rows } = await db.query(`SELECT password_hash FROM users WHERE email = 'smoke@cli.test'`);
    expect(rows[0].password_hash).toMatch(/^scrypt\$/);
  }, 120_000);

  it.each([
    [['create-key', '--org', 'nope', '--name', 'x', '--scopes', 'read:catalogue'], 1, /no organisation with slug "nope"/],
    [['create-key', '--org', 'chez-paul', '--name', 'x', '--scopes', 'read:all'], 2, /unknown read:all/],
    [['create-org', '--name', 'Dup', '--slug', 'chez-paul'], 1, /already exists/],
    [['create-org', '--slug', 'x'], 2, /missing --name/],
    [['frobnicate'], 2, /usage/],
  ])('%j exits %i with a clear message', async (args, code, message) => {
    const r = await admin(...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  describe('reencrypt-webhook-secrets (rotating WEBHOOK_SECRETS_KEY)', () => {
    const [oldKey, newKey, strayKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const rotating = { WEBHOOK_SECRETS_KEY: newKey.toString('base64'), WEBHOOK_SECRETS_KEY_PREVIOUS: oldKey.toString('base64') };
    const endpoint = async (key: Buffer, withPrevious: boolean) => {
      const { rows: org } = await db.query(`INSERT INTO organisations (name, slug) VALUES ('Hooks', $1) RETURNING id`, [`hooks-${randomBytes(4).toString('hex')}`]);
      const id = randomUUID();
      const [secret, previous] = [generateSecret(), generateSecret()];
      await db.query(
        `INSERT INTO webhook_endpoints (id, org_id, url, events, secret_encrypted, previous_secret_encrypted, previous_secret_expires_at)
         VALUES ($1, $2, 'https://erp.example.com/hooks', '{client.created}', $3, $4, now() + interval '1 day')`,
        [id, org[0].id, encryptSecret(key, id, secret), withPrevious ? encryptSecret(key, id, previous) : null],
      );
      return { id, secret, previous };
    };
    const stored = async (id: string) => (await db.query('SELECT secret_encrypted, previous_secret_encrypted FROM webhook_endpoints WHERE id = $1', [id])).rows[0];

    it('moves every secret from the previous key to the current one, once', async () => {
      const a = await endpoint(oldKey, true);
      const b = await endpoint(newKey, false);
      const first = await adminWith(rotating, ['reencrypt-webhook-secrets']);
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toMatch(/2 webhook endpoints: 2 secrets re-encrypted under WEBHOOK_SECRETS_KEY, 1 already were/);
      const after = await stored(a.id);
      expect(decryptSecret(newKey, a.id, after.secret_encrypted)).toBe(a.secret);
      expect(decryptSecret(newKey, a.id, after.previous_secret_encrypted)).toBe(a.previous);
      expect(() => decryptSecret(oldKey, a.id, after.secret_encrypted)).toThrow();
      expect(decryptSecret(newKey, b.id, (await stored(b.id)).secret_encrypted)).toBe(b.secret);
      // Run again: nothing left to move; the old key is no longer needed.
      const again = await adminWith({ WEBHOOK_SECRETS_KEY: rotating.WEBHOOK_SECRETS_KEY }, ['reencrypt-webhook-secrets']);
      expect(again.stdout).toMatch(/2 webhook endpoints: 0 secrets re-encrypted under WEBHOOK_SECRETS_KEY, 3 already were/);
    });

    it('a secret neither key opens: exit 1 naming the endpoint, and nothing changed', async () => {
      const movable = await endpoint(oldKey, false);
      const stray = await endpoint(strayKey, false);
      const before = await stored(movable.id);
      const r = await adminWith(rotating, ['reencrypt-webhook-secrets']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`webhook endpoint ${stray.id}`);
      expect(r.stderr).toMatch(/nothing was changed/);
      expect((await stored(movable.id)).secret_encrypted.equals(before.secret_encrypted)).toBe(true);
      await db.query('DELETE FROM webhook_endpoints WHERE id = $1', [stray.id]);
    });
  });
});
