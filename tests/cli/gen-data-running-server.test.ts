// gen:data while `make start` runs (issue 12, item 8): it used to start a second embedded PostgreSQL
// on the running server's data directory, which failed as "gen:data failed: undefined". It now
// finds the running server's database as the admin CLI does, and no CLI error reads "undefined".
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { errorText } from '../../src/cli/error-text';
import { spawnServer, type ServerProcess } from '../helpers/server-process';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** A CLI run as a user types it: no DATABASE_URL unless given. */
async function cli(script: string, args: string[], env: Record<string, string>) {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...env };
  if (!env.DATABASE_URL) delete base.DATABASE_URL;
  try {
    const r = await run(tsx, [join(root, 'src', 'cli', script), ...args], { cwd: root, env: base });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('gen:data beside a running `make start` (embedded PostgreSQL)', () => {
  const dir = join('.data', `test-gen-data-${process.pid}`);
  let server: ServerProcess;
  beforeAll(async () => {
    server = await spawnServer({ env: { EMBEDDED_PG_DIR: dir, WEBHOOK_WORKER: 'off' }, startTimeoutMs: 90_000 });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(join(root, dir), { recursive: true, force: true });
  });

  it("writes into the running server's database instead of starting a second PostgreSQL on its directory", async () => {
    const r = await cli('gen-data.ts', ['--org', 'beside-server', '--tickets', '200', '--produits', '20', '--clients', '10', '--days', '5', '--batch', '1000'], { EMBEDDED_PG_DIR: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/200 tickets and \d+ lignes/);
    // The server's own database (its URL file) holds them, and the server still answers.
    const db = new pg.Client({ connectionString: readFileSync(join(root, `${dir}.url`), 'utf8').trim() });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM tickets t JOIN organisations o ON o.id = t.org_id WHERE o.slug = 'beside-server'`);
      expect(rows[0].n).toBe(200);
    } finally {
      await db.end();
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 90_000);
});

describe('CLI errors are one real line', () => {
  it('names what failed when the error has no message (AggregateError, a code alone, nothing at all)', () => {
    const refused = (address: string) => Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
    expect(errorText(new AggregateError([refused('::1:1'), refused('127.0.0.1:1')]))).toBe('connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1');
    expect(errorText(Object.assign(new Error(''), { code: '57P01' }))).toBe('error 57P01');
    expect(errorText(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBe('relation "x" does not exist (42P01)');
    expect(errorText(new Error('two\nlines'))).toBe('two');
    expect(errorText(undefined)).toBe('an unknown error (undefined was thrown)');
    expect(errorText(null)).toBe('an unknown error (null was thrown)');
    expect(errorText('plain string')).toBe('plain string');
    expect(errorText({ reason: 'odd' })).toBe('an unknown error: {"reason":"odd"}');
    expect(errorText({})).toBe('an unknown error ([object Object])');
  });

  it.each([
    ['gen-data.ts', ['--org', 'x', '--tickets', '1'], 'gen:data failed: '],
    ['admin.ts', ['list-keys', '--org', 'x'], 'admin: '],
    ['migrate.ts', [], 'migrate failed: '],
  ])('%s with a DATABASE_URL that does not answer says so in one line', async (script, args, prefix) => {
    // localhost is ::1 and 127.0.0.1: Node's connection attempt fails with an AggregateError whose message is empty.
    const r = await cli(script, args, { DATABASE_URL: 'postgres://postgres@localhost:1/postgres' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(prefix)).toBe(true);
    expect(lines[0]).toMatch(/ECONNREFUSED/);
    expect(lines[0]).not.toMatch(/undefined|: $/);
  }, 60_000);
});
