// Rotating CONNECTION_SECRETS_KEY: `npm run admin -- reencrypt-connection-passwords` moves every
// connection password from the previous key to the current one in one transaction.
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { main } from '../../src/cli/admin';
import { openSecret, sealSecret } from '../../src/crypto/sealed-secret';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';

describe('npm run admin -- reencrypt-connection-passwords', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  let projectId: string;
  let orgId: string;
  const [oldKey, newKey, strayKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const rotating = { CONNECTION_SECRETS_KEY: newKey.toString('base64'), CONNECTION_SECRETS_KEY_PREVIOUS: oldKey.toString('hex') };
  const admin = async (env: Record<string, string>, args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io = { env: { DATABASE_URL: database.url, LOG_LEVEL: 'silent', ...env }, stdin: Readable.from(['']), stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) };
    return { code: await main(args, io), stdout, stderr };
  };
  const connection = async (key: Buffer | null, id = randomUUID()) => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    await db.query(
      `INSERT INTO connections (id, org_id, project_id, name, environment, host, port, database, username, password_encrypted)
       VALUES ($1, $2, $3, $4, 'staging', 'db.example.com', 5432, 'app', 'app', $5)`,
      [id, orgId, projectId, `c-${id}`, key ? sealSecret(key, id, password) : null],
    );
    return { id, password };
  };
  const stored = async (id: string): Promise<Buffer | null> => (await db.query('SELECT password_encrypted FROM connections WHERE id = $1', [id])).rows[0].password_encrypted;
  const snapshot = async () => (await db.query('SELECT id, password_encrypted, updated_at FROM connections ORDER BY id')).rows;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = ignoreTeardownTermination(new pg.Pool({ connectionString: database.url, max: 2 }));
    ({ rows: [{ id: orgId }] } = await db.query(`INSERT INTO organisations (name, slug) VALUES ('Ops', 'ops-rotation') RETURNING id`));
    ({ rows: [{ id: projectId }] } = await db.query(`INSERT INTO projects (org_id, name) VALUES ($1, 'P') RETURNING id`, [orgId]));
  });
  afterAll(async () => {
    await db.end();
    await database.drop();
  });
  beforeEach(() => db.query('DELETE FROM connections'));

  it('moves every password from the previous key to the current one, once', async () => {
    const a = await connection(oldKey);
    const b = await connection(oldKey);
    const c = await connection(newKey);
    await connection(null);
    const first = await admin(rotating, ['reencrypt-connection-passwords']);
    expect(first).toEqual({ code: 0, stderr: '', stdout: expect.stringContaining('3 connections: 2 passwords re-encrypted under CONNECTION_SECRETS_KEY, 1 already were') });
    expect(first.stdout).toContain('CONNECTION_SECRETS_KEY_PREVIOUS can be removed');
    for (const x of [a, b, c]) {
      const after = (await stored(x.id))!;
      expect(openSecret(newKey, x.id, after)).toBe(x.password);
      expect(() => openSecret(oldKey, x.id, after)).toThrow();
    }
    const again = await admin({ CONNECTION_SECRETS_KEY: rotating.CONNECTION_SECRETS_KEY }, ['reencrypt-connection-passwords']);
    expect(again.stdout).toContain('3 connections: 0 passwords re-encrypted under CONNECTION_SECRETS_KEY, 3 already were');
  });

  it('one password neither key opens: exit 1 naming the connection, and nothing changed (one transaction)', async () => {
    // The stray one sorts last: the movable ones before it were already re-encrypted when it stops the run.
    for (let i = 0; i < 4; i++) await connection(oldKey);
    const stray = await connection(strayKey, 'ffffffff-ffff-4fff-bfff-ffffffffffff');
    const before = await snapshot();
    const r = await admin(rotating, ['reencrypt-connection-passwords']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`connection ${stray.id}: its password opens with neither CONNECTION_SECRETS_KEY nor CONNECTION_SECRETS_KEY_PREVIOUS; nothing was changed`);
    expect(await snapshot()).toEqual(before);
  });

  it('holds every connection row locked while it works: a concurrent update waits for the rotation', async () => {
    const a = await connection(oldKey);
    const blocker = await db.connect();
    try {
      // Holding a row lock first: the rotation cannot finish (it locks every row FOR UPDATE) until released.
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM connections WHERE id = $1 FOR UPDATE', [a.id]);
      const running = admin(rotating, ['reencrypt-connection-passwords']);
      let waiting = 0;
      for (let i = 0; i < 200 && waiting === 0; i++) {
        waiting = (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [database.name])).rows[0].n;
        if (waiting === 0) await new Promise((r) => setTimeout(r, 25));
      }
      expect(waiting).toBe(1);
      expect(openSecret(oldKey, a.id, (await stored(a.id))!)).toBe(a.password);
      await blocker.query('COMMIT');
      expect((await running).code).toBe(0);
      expect(openSecret(newKey, a.id, (await stored(a.id))!)).toBe(a.password);
    } finally {
      blocker.release();
    }
  });
});
