// Input limits (issue 7, part 4; OWASP API4:2023 unrestricted resource consumption): bodies, nesting,
// compression, headers and page sizes past what the API accepts are refused quickly, in the
// envelope where the API answers at all, and leave the process serving.
import { request as httpRequest } from 'node:http';
import { gzipSync, deflateSync } from 'node:zlib';
import { authenticate, BATTERY_ENV, seedTenant, type Tenant, quietPool } from '../helpers/battery-world';
import { startHarness, type Harness } from '../helpers/harness';
import { listOps, fill, collectionOf, harvestIds } from '../helpers/spec-ids';
import { byId } from '../helpers/spec-ops';

/** A raw request, outside supertest: for answers node's HTTP parser gives itself (no envelope). */
function raw(h: Harness, opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string; ms: number }>((resolve, reject) => {
    const started = Date.now();
    const req = httpRequest(`${h.baseUrl}${opts.path}`, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, ms: Date.now() - started }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** listAuditEvents counts with count(*) OVER (): past the last page there is no row to carry the count, so total is 0. */

describe('input limits', () => {
  let h: Harness;
  let a: Tenant;
  let found: Map<string, string[]>;
  beforeAll(async () => {
    h = await startHarness({ env: BATTERY_ENV });
    quietPool(h.db);
    a = await seedTenant(h.db, 'LIMA');
    found = await harvestIds(h.api, a);
  });
  afterAll(() => h?.close());

  const stillServing = async () => {
    await h.api.get('/health').expect(200);
  };
  const envelope = (body: Record<string, unknown>, code: string) => expect(body).toMatchObject({ success: false, code, request_id: expect.any(String) });

  it('a 101 kB body → 413 PAYLOAD_TOO_LARGE, on a public and on an authenticated operation', async () => {
    const big = 'x'.repeat(101 * 1024);
    envelope((await h.api.post('/api/v1/auth/login').send({ email: 'a@b.c', password: big }).expect(413)).body, 'PAYLOAD_TOO_LARGE');
    envelope((await h.api.post('/api/v1/webhooks').set('X-API-Key', a.key).send({ url: 'https://a.example', events: ['ticket.created'], description: big }).expect(413)).body, 'PAYLOAD_TOO_LARGE');
    // The same with chunked transfer (no Content-Length to refuse it by).
    const res = await raw(h, { method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: JSON.stringify({ email: 'a@b.c', password: big }) });
    expect(res.status).toBe(413);
    await stillServing();
  });

  it.each([10_000, 50_000])('%i-deep nested JSON → 400 naming the body, no stack overflow', async (depth) => {
    const arrays = '['.repeat(depth) + ']'.repeat(depth);
    const objects = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    for (const body of [arrays, depth <= 10_000 ? objects : '[]']) {
      const res = await h.api.post('/api/v1/auth/login').set('Content-Type', 'application/json').send(body).expect(400);
      envelope(res.body, 'VALIDATION_ERROR');
      expect(res.body.details[0].loc[0]).toBe('body');
    }
    // Inside a field, on an authenticated operation, and as a field of its own.
    const inField = `{"url":"https://a.example","events":["ticket.created"],"description":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const res = await h.api.post('/api/v1/webhooks').set('X-API-Key', a.key).set('Content-Type', 'application/json').send(inField).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['body', 'description'] }));
    await stillServing();
  });

  it('a gzip bomb with Content-Encoding → 415 at once, never inflated', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // 50 MB of zeros in ~50 kB
    expect(bomb.length).toBeLessThan(100 * 1024);
    const rssBefore = process.memoryUsage().rss;
    for (const [encoding, body] of [['gzip', bomb], ['deflate', deflateSync(Buffer.alloc(20 * 1024 * 1024))], ['br', Buffer.from('xxxx')], ['gzip, identity', bomb]] as const) {
      const res = await h.api.post('/api/v1/webhooks').set('X-API-Key', a.key).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send(body).expect(415);
      envelope(res.body, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(40 * 1024 * 1024);
    await stillServing();
  });

  it('32 kB of headers → 431; a 32 kB URL → 431; the server keeps serving', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 32; i++) headers[`x-filler-${i}`] = 'h'.repeat(1000);
    expect((await raw(h, { path: '/health', headers })).status).toBe(431);
    expect((await raw(h, { path: `/health?${'q'.repeat(32 * 1024)}` })).status).toBe(431);
    await stillServing();
  });

  it('thousands of query parameters → 400', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => `p${i}=1`).join('&'); // under the 16 kB header limit
    const res = await h.api.get(`/api/v1/produits?${many}`).set('X-API-Key', a.key).expect(400);
    envelope(res.body, 'VALIDATION_ERROR');
    const repeated = await h.api.get(`/api/v1/produits?${Array.from({ length: 1500 }, () => 'limit=1').join('&')}`).set('X-API-Key', a.key).expect(400);
    expect(repeated.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'limit'] }));
  });

  it('a request body array of 12,000 distinct items → 400 naming its item limit', async () => {
    const events = Array.from({ length: 12_000 }, (_, i) => `e${i}`);
    const res = await h.api.post('/api/v1/webhooks').set('X-API-Key', a.key).send({ url: 'https://a.example', events }).expect(400);
    envelope(res.body, 'VALIDATION_ERROR');
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['body', 'events'], type: 'maxItems' }));
  });

  describe.each(listOps.map((o) => [o.operationId, o] as const))('%s', (_id, op) => {
    const url = () => fill(op.path, Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], found.get(collectionOf(op.path, m[1]))![0]])));
    const via = op.keyScopes !== null ? 'key' : 'session';

    it('limit=1000000 → 400 naming limit', async () => {
      const res = await authenticate(h.api.get(`${url()}?limit=1000000`), via, a).expect(400);
      expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'limit'] }));
    });

    it('offset=10^12 → 400 naming offset', async () => {
      const res = await authenticate(h.api.get(`${url()}?offset=1000000000000`), via, a).expect(400);
      expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'offset'] }));
    });

    it('the largest offset → an empty page with the true total', async () => {
      const first = await authenticate(h.api.get(url()), via, a).expect(200);
      const last = await authenticate(h.api.get(`${url()}?offset=100000000&limit=200`), via, a).expect(200);
      expect(last.body).toMatchObject({ items: [], total: first.body.total, offset: 100000000, limit: 200 });
    });
  });

  it('the operations used above exist (a renamed one must not pass silently)', () => {
    expect(byId('login')).toBeDefined();
    expect(byId('createWebhook')).toBeDefined();
    expect(listOps.length).toBeGreaterThan(5);
  });
});
