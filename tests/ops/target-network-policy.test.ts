// The target network policy through the API: every refused range and spelling at creation and
// update (400 naming the field), names resolved through an injected resolver (no DNS), the API's
// own database, and DNS rebinding caught at connect time.
import { handlers } from '../../handlers';
import { createConnectionWith } from '../../handlers/ops/createConnection';
import { testConnectionWith } from '../../handlers/ops/testConnection';
import { updateConnectionWith } from '../../handlers/ops/updateConnection';
import type { HandlerMap } from '../../src/handler';
import { startHarness, type Harness } from '../helpers/harness';
import { connectionBody, fakeLookup, startConnWorld, testServer, type ConnWorld } from './connections-support';

const PUBLIC = '93.184.216.34';
const resolver = fakeLookup({
  'db.example.test': [PUBLIC],
  'loopback.example.test': ['127.0.0.1'],
  'loopback6.example.test': ['::1'],
  'mixed.example.test': [PUBLIC, '10.1.2.3'],
  'metadata.example.test': ['169.254.169.254'],
  'mapped.example.test': ['::ffff:127.0.0.1'],
  'private.example.test': ['192.168.10.4'],
  'rebind.example.test': [[PUBLIC], ['127.0.0.1']],
});
const withResolver = (): HandlerMap => ({
  ...handlers,
  createConnection: createConnectionWith(resolver.lookup),
  updateConnection: updateConnectionWith(resolver.lookup),
  testConnection: testConnectionWith(resolver.lookup),
});

describe('target network policy (loopback not allowed)', () => {
  let w: ConnWorld;
  beforeAll(async () => {
    w = await startConnWorld({ env: { DB_TARGETS_ALLOW_LOOPBACK: 'false' }, handlers: withResolver() });
  });
  afterAll(() => w.h.close());
  const post = (over: Record<string, unknown>) => w.h.api.post('/api/v1/connections').set('X-API-Key', w.key).send(connectionBody(w.projectId, over));
  const count = async () => (await w.h.db.query('SELECT count(*)::int AS n FROM connections')).rows[0].n;

  it.each([
    // loopback, unspecified
    ['127.0.0.1', /loopback/], ['127.8.9.10', /loopback/], ['::1', /loopback/], ['0.0.0.0', /unspecified/], ['::', /unspecified/],
    // private, CGNAT, unique local
    ['10.0.0.5', /private/], ['172.16.0.1', /private/], ['172.31.255.254', /private/], ['192.168.1.1', /private/], ['100.64.0.1', /private/], ['fd12:3456::1', /private/],
    // link-local, cloud metadata
    ['169.254.169.254', /cloud metadata/], ['fd00:ec2::254', /cloud metadata/], ['169.254.1.1', /link-local/], ['fe80::1', /link-local/],
    // multicast, broadcast and reserved
    ['224.0.0.1', /multicast/], ['ff02::1', /multicast/], ['255.255.255.255', /reserved/], ['240.0.0.1', /reserved/], ['192.0.2.10', /reserved/],
    ['2001:db8::1', /reserved/], ['64:ff9b::7f00:1', /reserved/], ['2002:7f00:1::', /reserved/],
    // IPv4-mapped IPv6, in both spellings
    ['::ffff:127.0.0.1', /IPv4-mapped/], ['::ffff:7f00:1', /IPv4-mapped/], ['::ffff:10.0.0.1', /IPv4-mapped/],
    // unusual IPv4 spellings (decimal, hex, octal, short forms)
    ['2130706433', /unusually/], ['0x7f000001', /unusually/], ['0x7f.0.0.1', /unusually/], ['0177.0.0.1', /unusually/], ['127.1', /unusually/],
    ['017700000001', /unusually/], ['127.000.000.001', /unusually/], ['10.1', /unusually/], ['0', /unusually/],
    // Unix-socket directories and what pg or libpq would read specially
    ['/var/run/postgresql', /Unix-socket/], ['/tmp', /Unix-socket/], ['@abstract', /Unix-socket/],
    ['[::1]', /IPv6/], ['fe80::1%eth0', /IPv6/], ['db.example.test:6543', /IPv6|host name/], ['db.example.test,10.0.0.1', /host name/],
    ['host=evil dbname=x', /host name/], ['db..example.test', /host name/], ['-db.example.test', /host name/], ['db\\x00.test', /host name/],
    // names resolving to refused addresses (every address is checked)
    ['localhost', /loopback/], ['loopback.example.test', /loopback.*loopback\.example\.test resolves to 127\.0\.0\.1/], ['loopback6.example.test', /loopback/],
    ['mixed.example.test', /private.*10\.1\.2\.3/], ['metadata.example.test', /cloud metadata/], ['mapped.example.test', /IPv4-mapped/], ['private.example.test', /private/],
  ])('host %s → 400 naming host (%s), nothing written', async (host, message) => {
    const before = await count();
    const res = await post({ host }).expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR', error: expect.stringMatching(message) });
    expect(res.body.details).toEqual([expect.objectContaining({ loc: ['body', 'host'], msg: expect.stringMatching(message) })]);
    expect(await count()).toBe(before);
  });

  it.each([22, 80, 5433, 3306, 65535])('port %i → 400 naming port', async (port) => {
    const res = await post({ host: 'db.example.test', port }).expect(400);
    expect(res.body.details).toEqual([expect.objectContaining({ loc: ['body', 'port'], msg: expect.stringMatching(/must be one of 5432, 6432/) })]);
  });

  it('accepts a public address or a name resolving to one, on 5432 or 6432; a name that does not resolve yet is accepted', async () => {
    await post({ host: PUBLIC }).expect(201);
    await post({ host: 'db.example.test', port: 6432 }).expect(201);
    await post({ host: '2606:2800:220:1:248:1893:25c8:1946' }).expect(201);
    await post({ host: 'not-yet.example.test' }).expect(201);
  });

  it('an update to a refused host or port is a 400 naming the field and changes nothing', async () => {
    const created = (await post({ host: 'db.example.test' }).expect(201)).body;
    const patch = (body: object) => w.h.api.patch(`/api/v1/connections/${created.id}`).set('X-API-Key', w.key).send(body);
    expect((await patch({ host: '169.254.169.254' }).expect(400)).body.details).toEqual([expect.objectContaining({ loc: ['body', 'host'] })]);
    expect((await patch({ host: 'loopback.example.test' }).expect(400)).body.details).toEqual([expect.objectContaining({ loc: ['body', 'host'] })]);
    expect((await patch({ port: 25 }).expect(400)).body.details).toEqual([expect.objectContaining({ loc: ['body', 'port'] })]);
    const { rows } = await w.h.db.query('SELECT host, port FROM connections WHERE id = $1', [created.id]);
    expect(rows).toEqual([{ host: 'db.example.test', port: 5432 }]);
  });

  it('DNS rebinding: a name checked public at creation that resolves to loopback when connecting is refused, and nothing connects', async () => {
    const created = (await post({ host: 'rebind.example.test' }).expect(201)).body;
    const asked = resolver.asked.filter((n) => n === 'rebind.example.test').length;
    const res = await w.h.api.post(`/api/v1/connections/${created.id}/test`).set('X-API-Key', w.key).expect(200);
    expect(res.body).toMatchObject({ ok: false, error_code: 'TARGET_REFUSED', server_version: null, latency_ms: null });
    // Resolved again at connect time (not trusted from creation), and refused on that answer.
    expect(resolver.asked.filter((n) => n === 'rebind.example.test').length).toBe(asked + 1);
    const { rows } = await w.h.db.query('SELECT last_test FROM connections WHERE id = $1', [created.id]);
    expect(rows[0].last_test).toMatchObject({ ok: false, error_code: 'TARGET_REFUSED' });
  });
});

describe('target network policy: DB_TARGETS_ALLOWED_CIDRS, DB_TARGET_PORTS', () => {
  let w: ConnWorld;
  beforeAll(async () => {
    w = await startConnWorld({
      env: { DB_TARGETS_ALLOW_LOOPBACK: 'false', DB_TARGETS_ALLOWED_CIDRS: '10.20.0.0/16, 169.254.0.0/16, fd00:aa::/32', DB_TARGET_PORTS: '5432,15432' },
      handlers: withResolver(),
    });
  });
  afterAll(() => w.h.close());
  const post = (over: Record<string, unknown>) => w.h.api.post('/api/v1/connections').set('X-API-Key', w.key).send(connectionBody(w.projectId, over));

  it('a listed private range is allowed, the rest of the private space is not', async () => {
    await post({ host: '10.20.3.4' }).expect(201);
    await post({ host: 'fd00:aa::5' }).expect(201);
    expect((await post({ host: '10.21.0.1' }).expect(400)).body.error).toMatch(/private.*DB_TARGETS_ALLOWED_CIDRS/);
  });

  it('listing a range never opens the metadata address or loopback', async () => {
    await post({ host: '169.254.1.1' }).expect(201);
    expect((await post({ host: '169.254.169.254' }).expect(400)).body.error).toMatch(/cloud metadata/);
    expect((await post({ host: '127.0.0.1' }).expect(400)).body.error).toMatch(/loopback/);
  });

  it('DB_TARGET_PORTS replaces the default ports', async () => {
    await post({ host: '10.20.3.4', port: 15432 }).expect(201);
    expect((await post({ host: '10.20.3.4', port: 6432 }).expect(400)).body.details).toEqual([expect.objectContaining({ loc: ['body', 'port'], msg: 'must be one of 5432, 15432 (DB_TARGET_PORTS)' })]);
  });
});

describe("the API's own database as a target (loopback allowed)", () => {
  let w: ConnWorld;
  beforeAll(async () => {
    w = await startConnWorld({ env: { DB_TARGETS_ALLOW_LOOPBACK: 'true', DB_TARGET_PORTS: `5432,6432,${testServer().port}` } });
  });
  afterAll(() => w.h.close());

  it.each(['127.0.0.1', 'localhost'])('host %s, our port and database name → 400 naming database', async (host) => {
    const res = await w.h.api.post('/api/v1/connections').set('X-API-Key', w.key).send(connectionBody(w.projectId, { host, port: testServer().port, database: w.h.database.name })).expect(400);
    expect(res.body.details).toEqual([expect.objectContaining({ loc: ['body', 'database'], msg: "must not be the API's own database" })]);
  });

  it('another database of the same server is a fine target', async () => {
    await w.h.api.post('/api/v1/connections').set('X-API-Key', w.key).send(connectionBody(w.projectId, { database: `${w.h.database.name}_other` })).expect(201);
  });

  it('moving a connection onto our own database by update is refused the same way', async () => {
    const created = (await w.h.api.post('/api/v1/connections').set('X-API-Key', w.key).send(connectionBody(w.projectId)).expect(201)).body;
    const res = await w.h.api.patch(`/api/v1/connections/${created.id}`).set('X-API-Key', w.key).send({ port: testServer().port, database: w.h.database.name }).expect(400);
    expect(res.body.details).toEqual([expect.objectContaining({ loc: ['body', 'database'] })]);
  });

  it('loopback needs DB_TARGETS_ALLOW_LOOPBACK: a harness without it refuses 127.0.0.1 (and production refuses the setting)', async () => {
    let strict: Harness | undefined;
    try {
      strict = await startHarness({ database: w.h.database, env: { DB_TARGETS_ALLOW_LOOPBACK: 'false' } });
      const res = await strict.api.post('/api/v1/connections').set('X-API-Key', w.key).send(connectionBody(w.projectId)).expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ loc: ['body', 'host'], msg: 'must not point to a loopback address (127.0.0.1)' })]);
    } finally {
      await strict?.close();
    }
  });
});
