// connectTarget() against real target databases on the test server: the session settings, the
// connection to the checked address (resolved once, by us), rebinding between two connections,
// the self-target guard, read-only sessions and unreadable credentials.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { connectTarget, type ConnectionRow } from '../../handlers/ops/target/connect-target';
import { encryptPassword } from '../../handlers/ops/target/connection-secrets';
import { TargetError } from '../../handlers/ops/target/target-errors';
import { loadConfig } from '../../src/config';
import { RunFailure } from '../../src/module';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';
import { fakeLookup, testServer } from './connections-support';

// The test server's port is a target port (tests/helpers/global-setup.mjs): the embedded pass runs on its own.
const config = loadConfig({ NODE_ENV: 'test', DB_TARGETS_ALLOW_LOOPBACK: 'true', DB_TARGET_PORTS: process.env.DB_TARGET_PORTS });
const strict = loadConfig({ NODE_ENV: 'test', DB_TARGETS_ALLOW_LOOPBACK: 'false', DB_TARGET_PORTS: process.env.DB_TARGET_PORTS });

describe('connectTarget', () => {
  let target: TestDatabase;
  let own: TestDatabase;
  let ownPool: pg.Pool;
  beforeAll(async () => {
    [target, own] = await Promise.all([createTestDatabase({ empty: true }), createTestDatabase({ empty: true })]);
    ownPool = ignoreTeardownTermination(new pg.Pool({ connectionString: own.url, max: 2 }));
  });
  afterAll(async () => {
    await ownPool.end();
    await Promise.all([target.drop(), own.drop()]);
  });

  /** A row reaching the test server (its port, and its password when it has one). */
  const row = (over: Partial<ConnectionRow> = {}): ConnectionRow => {
    const id = over.id ?? randomUUID();
    const server = testServer();
    return {
      id,
      org_id: randomUUID(),
      project_id: randomUUID(),
      host: '127.0.0.1',
      port: server.port,
      database: target.name,
      username: server.username,
      password_encrypted: server.password ? encryptPassword(config, id, server.password) : null,
      ssl_mode: 'disable',
      read_only: false,
      ...over,
    };
  };
  const failure = async (p: Promise<pg.Client>) => {
    try {
      const c = await p;
      await c.end();
    } catch (err) {
      return err;
    }
    throw new Error('connected');
  };

  it('sets statement_timeout, lock_timeout, idle_in_transaction_session_timeout and application_name on every session', async () => {
    const client = await connectTarget(row(), { applicationName: 'auralith/run/abc', statementTimeoutMs: 1234, lockTimeoutMs: 567, idleInTransactionTimeoutMs: 8910, config });
    try {
      const { rows } = await client.query(
        `SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt,
                current_setting('idle_in_transaction_session_timeout') AS it, current_setting('application_name') AS app,
                current_setting('default_transaction_read_only') AS ro, current_database() AS db`,
      );
      expect(rows[0]).toEqual({ st: '1234ms', lt: '567ms', it: '8910ms', app: 'auralith/run/abc', ro: 'off', db: target.name });
    } finally {
      await client.end();
    }
  });

  it('defaults: 60 s statements, 2 s locks, 60 s idle in transaction', async () => {
    const client = await connectTarget(row(), { applicationName: 'auralith/test/x', config });
    try {
      const { rows } = await client.query(`SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('idle_in_transaction_session_timeout') AS it`);
      expect(rows[0]).toEqual({ st: '1min', lt: '2s', it: '1min' });
    } finally {
      await client.end();
    }
  });

  it('read-only connections (whatever the caller asks) and readOnly sessions refuse writes', async () => {
    for (const [conn, opts] of [[row({ read_only: true }), {}], [row(), { readOnly: true }], [row({ read_only: true }), { readOnly: false }]] as const) {
      const client = await connectTarget(conn, { applicationName: 'auralith/test/ro', config, ...opts });
      try {
        await expect(client.query('CREATE TABLE t (x int)')).rejects.toMatchObject({ code: '25006' });
      } finally {
        await client.end();
      }
    }
  });

  it('resolves the name once and connects to the checked address itself (TLS would name the host)', async () => {
    const resolver = fakeLookup({ 'pg.example.test': ['127.0.0.1'] });
    const client = await connectTarget(row({ host: 'pg.example.test' }), { applicationName: 'auralith/test/dns', config, lookup: resolver.lookup });
    try {
      expect(resolver.asked).toEqual(['pg.example.test']);
      expect((client as unknown as { host: string }).host).toBe('127.0.0.1');
      expect((await client.query('SELECT current_database() AS db')).rows[0].db).toBe(target.name);
    } finally {
      await client.end();
    }
  });

  it('rebinding: the second connection resolves again and is refused on the new answer (a TargetError and a RunFailure)', async () => {
    const resolver = fakeLookup({ 'rebind.example.test': [['127.0.0.1'], ['10.9.8.7']] });
    const conn = row({ host: 'rebind.example.test' });
    const first = await connectTarget(conn, { applicationName: 'auralith/test/r1', config, lookup: resolver.lookup });
    await first.end();
    const err = await failure(connectTarget(conn, { applicationName: 'auralith/test/r2', config, lookup: resolver.lookup }));
    expect(err).toBeInstanceOf(TargetError);
    expect(err).toBeInstanceOf(RunFailure);
    expect(err).toMatchObject({ code: 'TARGET_REFUSED' });
    expect(resolver.asked).toEqual(['rebind.example.test', 'rebind.example.test']);
  });

  it('every answer is checked: one refused address among allowed ones refuses the host', async () => {
    const resolver = fakeLookup({ 'multi.example.test': ['127.0.0.1', '169.254.169.254'] });
    expect(await failure(connectTarget(row({ host: 'multi.example.test' }), { applicationName: 'x', config, lookup: resolver.lookup }))).toMatchObject({ code: 'TARGET_REFUSED' });
  });

  it.each([
    ['loopback when not allowed', { host: '127.0.0.1' }, strict],
    ['localhost when not allowed', { host: 'localhost' }, strict],
    ['a socket directory', { host: '/var/run/postgresql' }, config],
    ['a port not listed', { port: 5433 }, config],
    ['an unusual IPv4 spelling', { host: '2130706433' }, config],
  ])('%s → TARGET_REFUSED before any connection', async (_what, over, cfg) => {
    const resolver = fakeLookup({});
    expect(await failure(connectTarget(row(over as Partial<ConnectionRow>), { applicationName: 'x', config: cfg, lookup: resolver.lookup }))).toMatchObject({ code: 'TARGET_REFUSED' });
  });

  it("the API's own database (same system identifier and database name) → SELF_TARGET; another database of the same server is fine", async () => {
    expect(await failure(connectTarget(row({ database: own.name }), { applicationName: 'x', config, ownDb: ownPool }))).toMatchObject({ code: 'SELF_TARGET' });
    const other = await connectTarget(row(), { applicationName: 'x', config, ownDb: ownPool });
    await other.end();
  });

  it('a password the configured keys cannot open → CREDENTIALS_UNREADABLE; the right key connects', async () => {
    const conn = row();
    const otherKey = loadConfig({ NODE_ENV: 'test', CONNECTION_SECRETS_KEY: randomBytes(32).toString('base64') });
    conn.password_encrypted = encryptPassword(otherKey, conn.id, testServer().password ?? 'pw-x');
    expect(await failure(connectTarget(conn, { applicationName: 'x', config }))).toMatchObject({ code: 'CREDENTIALS_UNREADABLE' });
    const ok = await connectTarget(conn, { applicationName: 'x', config: { ...otherKey, dbTargetsAllowLoopback: true, dbTargetPorts: config.dbTargetPorts } });
    await ok.end();
  });
});

describe('target configuration', () => {
  it('DB_TARGETS_ALLOW_LOOPBACK is a configuration error in production, and off by default outside tests', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DB_TARGETS_ALLOW_LOOPBACK: 'true', WEBHOOK_SECRETS_KEY: randomBytes(32).toString('hex') })).toThrow(/DB_TARGETS_ALLOW_LOOPBACK must not be set in production/);
    expect(loadConfig({ NODE_ENV: 'development' }).dbTargetsAllowLoopback).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).dbTargetsAllowLoopback).toBe(true);
  });

  it.each([
    ['DB_TARGETS_ALLOWED_CIDRS', '10.0.0.0/33', /CIDR/],
    ['DB_TARGETS_ALLOWED_CIDRS', 'example.com/8', /CIDR/],
    ['DB_TARGETS_ALLOWED_CIDRS', '10.0.0.0/8/1', /CIDR/],
    ['DB_TARGET_PORTS', '5432,abc', /ports/],
    ['DB_TARGET_PORTS', '0', /ports/],
    ['CONNECTION_SECRETS_KEY', 'short', /32 bytes/],
  ])('%s=%s is refused naming the variable', (name, value, message) => {
    expect(() => loadConfig({ NODE_ENV: 'test', [name]: value })).toThrow(new RegExp(`${name}.*${message.source}|${message.source}.*${name}`));
  });

  it('parses CIDRs and ports', () => {
    const c = loadConfig({ NODE_ENV: 'test', DB_TARGETS_ALLOWED_CIDRS: '10.1.0.0/16, fd00::/8,192.168.1.7', DB_TARGET_PORTS: '5432, 7000' });
    expect(c.dbTargetsAllowedCidrs).toEqual([
      { network: '10.1.0.0', prefix: 16, family: 'ipv4' },
      { network: 'fd00::', prefix: 8, family: 'ipv6' },
      { network: '192.168.1.7', prefix: 32, family: 'ipv4' },
    ]);
    expect(c.dbTargetPorts).toEqual([5432, 7000]);
  });
});
