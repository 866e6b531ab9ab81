// The admin CLI, run as a user would (a child process) against a real database.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';

const run = promisify(execFile);
const tsx = join(__dirname, '../../node_modules/.bin/tsx');
const cli = join(__dirname, '../../src/cli/admin.ts');

describe('npm run admin', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  const admin = async (...args: string[]) => {
    try {
      const r = await run(tsx, [cli, ...args], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' } });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
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
  }, 60_000);

  it('takes the password from stdin when asked', async () => {
    await admin('create-org', '--name', 'Stdin', '--slug', 'stdin-org');
    const child = execFile(tsx, [cli, 'create-user', '--org', 'stdin-org', '--email', 'in@stdin.test', '--role', 'admin', '--password-stdin'], { env: { ...process.env, DATABASE_URL: database.url } });
    child.stdin!.end('a long enough password\n');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    const { rows } = await db.query(`SELECT password_hash FROM users WHERE email = 'in@stdin.test'`);
    expect(rows[0].password_hash).toMatch(/^scrypt\$/);
  }, 30_000);

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
  }, 30_000);
});
