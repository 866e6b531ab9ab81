// Testing a connection against real target databases created on the test server (trust
// authentication on 127.0.0.1, no TLS there), and the stable error codes of the failures it can
// produce: unknown database, unknown role, nothing listening, no TLS offered, our own database.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { handlers } from '../../handlers';
import { createConnectionWith } from '../../handlers/ops/createConnection';
import { testConnectionWith } from '../../handlers/ops/testConnection';
import type { TestDatabase } from '../helpers/db';
import { loadConfig } from '../../src/config';
import { encryptPassword } from '../../handlers/ops/target/connection-secrets';
import { createConnectionVia, createTarget, fakeLookup, realTarget, startConnWorld, testServer, type ConnWorld } from './connections-support';

// Names resolve through this table, never DNS (the tests reach loopback only): an unknown name does not resolve.
const resolver = fakeLookup({});

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('POST /api/v1/connections/{id}/test', () => {
  let w: ConnWorld;
  let target: TestDatabase;
  let freePort: number;
  // Accepts TCP connections and never says a word: a target that hangs.
  const held = new Set<import('node:net').Socket>();
  const silent = createServer((socket) => void held.add(socket));
  let silentPort: number;
  beforeAll(async () => {
    freePort = await closedPort();
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
    w = await startConnWorld({
      env: { DB_TARGETS_ALLOW_LOOPBACK: 'true', DB_TARGET_PORTS: `5432,${testServer().port},${freePort},${silentPort}` },
      handlers: { ...handlers, createConnection: createConnectionWith(resolver.lookup), testConnection: testConnectionWith(resolver.lookup) },
    });
    target = await createTarget();
  });
  afterAll(async () => {
    await w.h.close();
    await target.drop();
    for (const socket of held) socket.destroy();
    await new Promise((r) => silent.close(r));
  });
  const test = (id: string, key = w.key) => w.h.api.post(`/api/v1/connections/${id}/test`).set('X-API-Key', key);

  it('reports the server and the role against a real target, and keeps it as last_test', async () => {
    const conn = await createConnectionVia(w, { password: 'pw-unused-under-trust', ...realTarget(target.name) });
    const res = await test(conn.id).expect(200);
    const { rows } = await w.h.db.query(`SELECT current_setting('server_version') AS v, r.rolsuper, r.rolcreatedb, r.rolcreaterole FROM pg_roles r WHERE rolname = 'postgres'`);
    expect(res.body).toEqual({
      ok: true,
      error_code: null,
      server_version: rows[0].v,
      current_user: 'postgres',
      is_superuser: rows[0].rolsuper,
      can_create: rows[0].rolcreatedb,
      can_createrole: rows[0].rolcreaterole,
      in_recovery: false,
      latency_ms: expect.any(Number),
      tested_at: expect.any(String),
    });
    const got = await w.h.api.get(`/api/v1/connections/${conn.id}`).set('X-API-Key', w.key).expect(200);
    expect(got.body.last_test).toEqual(res.body);
    const stored = await w.h.db.query('SELECT last_test FROM connections WHERE id = $1', [conn.id]);
    expect(stored.rows[0].last_test).toEqual(res.body);
  });

  it('leaves no session behind on the target', async () => {
    const conn = await createConnectionVia(w, realTarget(target.name));
    await test(conn.id).expect(200);
    const name = `auralith/test/${conn.id}`;
    let left = 1;
    for (let i = 0; i < 100 && left > 0; i++) {
      left = (await w.h.db.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [name])).rows[0].n;
      if (left > 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(left).toBe(0);
  });

  it.each([
    ['a database that does not exist', 'DATABASE_NOT_FOUND', () => realTarget(`nope_${randomUUID().slice(0, 8)}`)],
    ['a role that does not exist', 'AUTH_FAILED', () => ({ ...realTarget(target.name), username: 'no_such_role_x' })],
    ['nothing listening on the port', 'CONNECTION_REFUSED', () => ({ database: target.name, port: freePort })],
    ['TLS required of a server that offers none', 'TLS_UNAVAILABLE', () => ({ ...realTarget(target.name), ssl_mode: 'require' })],
    ['a target that accepts and never answers', 'TIMEOUT', () => ({ database: target.name, port: silentPort })],
    ['a name that does not resolve', 'HOST_NOT_FOUND', () => ({ host: 'no-such-host.example.test', database: target.name })],
  ])('%s → 200, ok false, %s, and the code only (no server text)', async (_what, code, over) => {
    const conn = await createConnectionVia(w, over());
    const res = await test(conn.id).expect(200);
    expect(res.body).toEqual({
      ok: false,
      error_code: code,
      server_version: null,
      current_user: null,
      is_superuser: null,
      can_create: null,
      can_createrole: null,
      in_recovery: null,
      latency_ms: null,
      tested_at: expect.any(String),
    });
  });

  it("the API's own database, stored without the creation check, is SELF_TARGET when connecting", async () => {
    const id = randomUUID();
    const server = testServer();
    await w.h.db.query(
      `INSERT INTO connections (id, org_id, project_id, name, environment, host, port, database, username, password_encrypted, ssl_mode)
       VALUES ($1, $2, $3, 'sneaky', 'production', 'localhost', $4, $5, $6, $7, 'disable')`,
      [id, w.orgId, w.projectId, server.port, w.h.database.name, server.username,
        server.password ? encryptPassword(loadConfig({ NODE_ENV: 'test' }), id, server.password) : null],
    );
    expect((await test(id).expect(200)).body).toMatchObject({ ok: false, error_code: 'SELF_TARGET' });
  });

  it('a host stored outside the policy (a socket path) is TARGET_REFUSED, never connected', async () => {
    const id = randomUUID();
    await w.h.db.query(
      `INSERT INTO connections (id, org_id, project_id, name, environment, host, port, database, username, ssl_mode)
       VALUES ($1, $2, $3, 'socket', 'development', '/var/run/postgresql', 5432, $4, 'postgres', 'disable')`,
      [id, w.orgId, w.projectId, target.name],
    );
    expect((await test(id).expect(200)).body).toMatchObject({ ok: false, error_code: 'TARGET_REFUSED' });
  });

  it('needs connections:write; a viewer gets 403, a member outside the project 404', async () => {
    const conn = await createConnectionVia(w, realTarget(target.name));
    expect((await test(conn.id, w.readKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
    const as = (s: { cookie: string; csrf: string }, id: string) => w.h.api.post(`/api/v1/connections/${id}/test`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
    expect((await as(w.viewer, conn.id).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await as(w.developer, conn.id).expect(200)).body.ok).toBe(true);
    const elsewhere = await createConnectionVia(w, { database: target.name }, w.otherProjectId);
    await as(w.developer, elsewhere.id).expect(404);
  });

  it("another organisation's connection is not found (404)", async () => {
    const conn = await createConnectionVia(w, { database: target.name });
    expect((await test(conn.id, w.other.key).expect(404)).body.code).toBe('NOT_FOUND');
  });

  it('an unknown id is a 404, a malformed one a 400', async () => {
    await test(randomUUID()).expect(404);
    expect((await test('not-a-uuid').expect(400)).body.code).toBe('VALIDATION_ERROR');
  });
});
