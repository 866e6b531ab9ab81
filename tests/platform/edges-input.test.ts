// Input a partner's client can send that the spec's schemas, read leniently, let through (issue 12):
// raw bytes that are not UTF-8, numbers JavaScript reads but a decimal integer is not, a parameter
// given twice, and values PostgreSQL cannot store (URN UUIDs, year 0000, offsets past ±15:59, NUL).
// Each is a 400 naming the field, before the database, with nothing stored.
import { request as httpRequest } from 'node:http';
import { authenticate, BATTERY_ENV, quietPool, seedTenant, type Tenant, type Via } from '../helpers/battery-world';
import { startHarness, type Harness } from '../helpers/harness';
import { collectionOf, fill, harvestIds } from '../helpers/spec-ids';
import { byId, specOps } from '../helpers/spec-ops';
import { loadSpec } from '../../src/app';
import { handlers } from '../../handlers';
import type { HandlerMap } from '../../src/handler';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const envelope = (body: Record<string, unknown>, code = 'VALIDATION_ERROR') => expect(body).toMatchObject({ success: false, code, request_id: expect.any(String), error: expect.any(String) });
const names = (body: { details?: Array<{ loc: unknown[] }> }, loc: unknown[]) => expect(body.details).toContainEqual(expect.objectContaining({ loc }));
/** Named by request validation (Ajv's format check), not by reading the database's error after the fact. */
const formatRefused = (body: { details?: unknown[] }, loc: unknown[], format: string) => expect(body.details).toContainEqual({ loc, msg: `must match format "${format}"`, type: 'format' });

/** Every operation's integer query parameters, read from the spec (operations added later are covered). */
const spec = loadSpec() as unknown as Json;
const deref = (n: Json): Json => (n?.$ref ? deref(n.$ref.slice(2).split('/').reduce((o: Json, k: string) => o[k], spec)) : n);
const integerParams = specOps.flatMap((op) =>
  ((spec.paths[op.path][op.method].parameters ?? []) as Json[])
    .map(deref)
    .filter((p) => p.in === 'query' && deref(p.schema)?.type === 'integer')
    .map((p) => ({ op, name: p.name as string })),
);

/** A POST with these exact bytes (supertest would serialise a Buffer as JSON). */
function postBytes(baseUrl: string, path: string, body: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Json }>((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('input edges', () => {
  let h: Harness;
  let a: Tenant;
  let found: Map<string, string[]>;
  beforeAll(async () => {
    h = await startHarness({ env: BATTERY_ENV });
    quietPool(h.db);
    a = await seedTenant(h.db, 'EDGE');
    found = await harvestIds(h.api, a);
  });
  afterAll(() => h?.close());

  const via = (operationId: string): Via => (byId(operationId).keyScopes !== null ? 'key' : 'session');
  const get = (operationId: string, query: string, path = byId(operationId).path) => {
    const op = byId(operationId);
    const url = fill(path, Object.fromEntries([...path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], found.get(collectionOf(op.path, m[1]))![0]])));
    return authenticate(h.api.get(`${url}${query}`), via(operationId), a);
  };

  describe('raw bytes that are not UTF-8', () => {
    const json = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
    const webhookBody = (description: Array<string | number[]>) => json('{"url":"https://a.example/edge","events":["ticket.created"],"description":"', ...description, '"}');
    const stored = async () => (await h.db.query(`SELECT description FROM webhook_endpoints WHERE org_id = $1 AND url = 'https://a.example/edge'`, [a.orgId])).rows.map((r) => r.description);
    const postWebhook = (body: Buffer, headers: Record<string, string> = { 'x-api-key': a.key }) => postBytes(h.baseUrl, '/api/v1/webhooks', body, headers);
    const login = (body: Buffer) => postBytes(h.baseUrl, '/api/v1/auth/login', body);

    it('a webhook description with a raw 0xE9 ("caf\\xe9") → 400 naming the body, nothing stored', async () => {
      const res = await postWebhook(webhookBody(['caf', [0xe9]]));
      expect(res.status).toBe(400);
      envelope(res.body);
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
      expect(res.body.details).toEqual([expect.objectContaining({ loc: ['body'], type: 'parse' })]);
      expect(await stored()).toEqual([]);
    });

    it.each([
      ['a truncated sequence', [0xc3]],
      ['an overlong encoding of "/"', [0xc0, 0xaf]],
      ['a surrogate encoded in UTF-8', [0xed, 0xa0, 0x80]],
      ['a byte that never appears in UTF-8', [0xff]],
    ])('%s → 400, nothing stored', async (_what, bytes) => {
      const res = await postWebhook(webhookBody(['x', bytes, 'y']));
      expect(res.status).toBe(400);
      envelope(res.body);
      expect(await stored()).toEqual([]);
    });

    it('refused before authentication: no credential → still the 400', async () => {
      const res = await postWebhook(webhookBody(['caf', [0xe9]]), {});
      expect(res.status).toBe(400);
      envelope(res.body);
    });

    it('a login password with raw bytes → 400, no password check (no failure recorded)', async () => {
      const body = json(`{"email":"${a.owner.email}","password":"caf`, [0xe9], '"}');
      const res = await login(body);
      expect(res.status).toBe(400);
      envelope(res.body);
      const { rows } = await h.db.query('SELECT count(*)::int AS n FROM login_failures WHERE lower(email) = lower($1)', [a.owner.email]);
      expect(rows[0].n).toBe(0);
      // The same request with a wrong password that is valid text does reach the check (and is counted).
      expect((await login(json(`{"email":"${a.owner.email}","password":"café"}`))).status).toBe(401);
      expect((await h.db.query('SELECT count(*)::int AS n FROM login_failures WHERE lower(email) = lower($1)', [a.owner.email])).rows[0].n).toBe(1);
    });

    it('valid UTF-8 (including U+FFFD itself and a BOM-free 4-byte emoji) is stored as sent', async () => {
      const res = await postWebhook(webhookBody(['café \uFFFD 🙂']));
      expect(res.status).toBe(201);
      expect(res.body.webhook.description).toBe('café \uFFFD 🙂');
      expect(await stored()).toEqual(['café \uFFFD 🙂']);
    });
  });

  describe('integer query parameters: decimal digits only, once', () => {
    it('the spec has integer query parameters to check', () => {
      expect(integerParams.length).toBeGreaterThanOrEqual(10);
    });

    const LENIENT = ['0x10', '0b11', '0o7', '1e2', ' 5', '5 ', '+5', '5.0', '.5', '', 'Infinity', '١'];
    it.each(integerParams.map(({ op, name }) => [op.operationId, name] as const))('%s ?%s= refuses 0x10, 0b11, 1e2, " 5", +5, 5.0 … naming it', async (operationId, name) => {
      for (const value of LENIENT) {
        const res = await get(operationId, `?${name}=${encodeURIComponent(value)}`);
        expect([res.status, value]).toEqual([400, value]);
        envelope(res.body);
        expect(res.body.details).toEqual([{ loc: ['query', name], msg: 'must be an integer written in decimal digits (0-9)', type: 'type' }]);
        expect(res.body.error).toBe(`${name} must be an integer written in decimal digits (0-9)`);
      }
    });

    it.each(integerParams.map(({ op, name }) => [op.operationId, name] as const))('%s ?%s given twice → 400 saying so', async (operationId, name) => {
      const res = await get(operationId, `?${name}=1&${name}=2`).expect(400);
      envelope(res.body);
      expect(res.body.error).toBe(`${name} was given more than once; send it once`);
      expect(res.body.details).toEqual([{ loc: ['query', name], msg: 'was given more than once; send it once', type: 'type' }]);
    });

    it('a string or boolean parameter given twice says so too', async () => {
      const twice = await get('listProduits', '?actif=true&actif=false').expect(400);
      expect(twice.body.error).toBe('actif was given more than once; send it once');
      const since = await get('listProduits', '?updated_since=2026-05-10T00:00:00Z&updated_since=2026-05-11T00:00:00Z').expect(400);
      names(since.body, ['query', 'updated_since']);
      expect(since.body.error).toMatch(/more than once/);
    });

    it('decimal values are read as before: 007 is 7, -1 is out of range', async () => {
      expect((await get('listProduits', '?limit=007&offset=0').expect(200)).body).toMatchObject({ limit: 7, offset: 0 });
      const negative = await get('listProduits', '?limit=-1').expect(400);
      expect(negative.body.details).toEqual([expect.objectContaining({ loc: ['query', 'limit'], type: 'minimum' })]);
      names((await get('listProduits', '?offset=100000001').expect(400)).body, ['query', 'offset']);
    });
  });

  describe('values PostgreSQL cannot store are refused by validation, naming the field', () => {
    it('a UUID in its URN form, in the path → 400 naming the id', async () => {
      const id = found.get('/api/v1/produits')![0];
      const res = await get('getProduit', '', `/api/v1/produits/urn:uuid:${id}`).expect(400);
      formatRefused(res.body, ['path', 'id'], 'uuid');
      await get('getProduit', '', `/api/v1/produits/${id.toUpperCase()}`).expect(200);
    });

    it.each([
      ['debut', '0000-01-01'],
      ['fin', '0000-12-31'],
      ['debut', '10000-01-01'],
      ['fin', '275760-09-13'],
    ])('tickets ?%s=%s (a year PostgreSQL has not) → 400 naming it', async (name, value) => {
      formatRefused((await get('listTickets', `?${name}=${value}`).expect(400)).body, ['query', name], 'date');
    });

    it.each([
      ['0000-01-01T00:00:00Z', 'the year 0000'],
      ['+275760-09-13T00:00:00Z', 'a six-digit year'],
      ['10000-01-01T00:00:00Z', 'the year 10000'],
      ['2026-05-10T00:00:00+16:00', 'a UTC offset past +15:59'],
      ['2026-05-10T00:00:00-23:59', 'a UTC offset past -15:59'],
      ['2016-12-31T23:59:60.5Z', 'a leap second with a fraction'],
    ])('?updated_since=%s (%s) → 400 naming it', async (value) => {
      formatRefused((await get('listProduits', `?updated_since=${encodeURIComponent(value)}`).expect(400)).body, ['query', 'updated_since'], 'date-time');
    });

    it('the edges PostgreSQL does accept still pass: offset ±15:59, year 0001, a plain leap second', async () => {
      for (const value of ['2026-05-10T00:00:00+15:59', '2026-05-10T00:00:00-15:59', '0001-01-01T00:00:00Z', '2016-12-31T23:59:60Z']) {
        await get('listProduits', `?updated_since=${encodeURIComponent(value)}`).expect(200);
      }
      await get('listTickets', '?debut=0001-01-01&fin=9999-12-31').expect(200);
    });

    it('a date-time in a body (api key expires_at) with year 0000 or offset +16:00 → 400 naming it, no key made', async () => {
      const before = (await h.db.query('SELECT count(*)::int AS n FROM api_keys WHERE org_id = $1', [a.orgId])).rows[0].n;
      for (const expires_at of ['0000-01-01T00:00:00Z', '2030-01-01T00:00:00+16:00']) {
        const res = await authenticate(h.api.post('/api/v1/api-keys'), 'session', a).send({ name: 'edge', scopes: ['read:catalogue'], expires_at }).expect(400);
        formatRefused(res.body, ['body', 'expires_at'], 'date-time');
      }
      expect((await h.db.query('SELECT count(*)::int AS n FROM api_keys WHERE org_id = $1', [a.orgId])).rows[0].n).toBe(before);
    });

    it('a NUL character in a JSON string → 400 naming the field, nothing stored; in a key too', async () => {
      const post = (body: string) => h.api.post('/api/v1/webhooks').set('X-API-Key', a.key).set('Content-Type', 'application/json').send(body);
      const res = await post('{"url":"https://a.example/nul","events":["ticket.created"],"description":"a\\u0000b"}').expect(400);
      envelope(res.body);
      expect(res.body.details).toEqual([expect.objectContaining({ loc: ['body', 'description'] })]);
      expect(res.body.error).toBe('description contains a NUL character (U+0000), which cannot be stored');
      names((await post('{"url":"https://a.example/nul","events":["ticket.created","a\\u0000"]}').expect(400)).body, ['body', 'events', 1]);
      names((await post('{"url":"https://a.example/nul","events":["ticket.created"],"x\\u0000":1}').expect(400)).body, ['body', 'x\u0000']);
      expect((await h.db.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE url = 'https://a.example/nul'`)).rows[0].n).toBe(0);
    });

    it('a NUL character in a query value → 400 naming the parameter', async () => {
      const res = await get('listAuditEvents', '?action=a%00b').expect(400);
      expect(res.body.details).toEqual([{ loc: ['query', 'action'], msg: 'contains a NUL character (U+0000), which cannot be stored', type: 'format' }]);
    });
  });

  describe('the fallback: a value PostgreSQL still refuses', () => {
    let g: Harness;
    beforeAll(async () => {
      // An operation whose SQL casts a value the database refuses (22P02, 22021): as if validation had missed one.
      const broken: HandlerMap = {
        ...handlers,
        listFamilles: async (ctx) => {
          await ctx.db.query('SELECT $1::uuid', ['urn:uuid:00000000-0000-4000-8000-000000000000']);
          return { status: 200, body: { items: [], total: 0, limit: 50, offset: 0 } };
        },
        listPromotions: async (ctx) => {
          await ctx.db.query('SELECT $1::text', ['a\u0000b']);
          return { status: 200, body: { items: [], total: 0, limit: 50, offset: 0 } };
        },
      } as HandlerMap;
      g = await startHarness({ env: BATTERY_ENV, database: h.database, handlers: broken });
    });
    afterAll(() => g?.close());

    it.each(['/api/v1/familles', '/api/v1/promotions'])('%s → a generic 400 VALIDATION_ERROR envelope naming no field (never a 500)', async (path) => {
      const res = await g.api.get(path).set('X-API-Key', a.key).expect(400);
      expect(res.body).toEqual({ success: false, code: 'VALIDATION_ERROR', error: 'A value has an invalid format', request_id: res.headers['x-request-id'] });
    });
  });
});
