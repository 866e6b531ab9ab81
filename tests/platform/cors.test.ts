// CORS for browser callers (seed 001: booking widgets, web apps): only the configured origins, a
// preflight answered before any credential or database work, never credentials across origins.
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

const APP = 'https://app.example.com';
const WIDGET = 'http://localhost:5173';
const STRANGER = 'https://evil.example';
const ALLOWED = `${APP}, ${WIDGET}`;

/** A browser's preflight, outside the contract client: no operation of the spec answers OPTIONS. */
const preflight = (h: Harness, path: string, origin: string) =>
  request(h.server).options(path).set('Origin', origin).set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization, x-request-id');

const expectNoCredentialsAcrossOrigins = (res: request.Response) => expect(res.headers['access-control-allow-credentials']).toBeUndefined();

describe('CORS', () => {
  let h: Harness;
  let key: string;
  beforeAll(async () => {
    h = await startHarness({ env: { CORS_ALLOWED_ORIGINS: ALLOWED } });
    const org = await createOrg(h.db, { edition: 'group' });
    key = (await createApiKey(h.db, { orgId: org.id, scopes: ['read:catalogue'] })).key;
  });
  afterAll(() => h.close());

  it.each([['/api/v1/produits', APP], ['/health', WIDGET]])('answers the preflight of %s from %s: 204, that origin, methods, headers, max age', async (path, origin) => {
    const res = await preflight(h, path, origin).expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
    expect(res.headers['access-control-allow-methods'].split(', ')).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']));
    expect(res.headers['access-control-allow-headers']).toBe('Authorization, X-API-Key, Content-Type, Idempotency-Key, X-Request-Id');
    expect(res.headers['access-control-max-age']).toBe('7200');
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    expect(res.text).toBe('');
    expectNoCredentialsAcrossOrigins(res);
  });

  it('refuses the preflight of an origin not listed with a 403 envelope and no CORS header', async () => {
    const res = await h.api.options('/api/v1/produits').set('Origin', STRANGER).set('Access-Control-Request-Method', 'GET').expect(403);
    expect(res.body).toMatchObject({ success: false, code: 'FORBIDDEN', request_id: res.headers['x-request-id'] });
    expect(res.body.error).toContain(STRANGER);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
  });

  it('leaves an OPTIONS that is not a preflight to the API, as before (405)', async () => {
    await h.api.options('/api/v1/produits').set('Origin', APP).expect(405);
  });

  it('lets a listed origin read a response and its rate-limit headers, never with credentials', async () => {
    const res = await h.api.get('/api/v1/produits').set('Origin', APP).set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
    const exposed = res.headers['access-control-expose-headers'].split(', ');
    expect(exposed).toEqual(expect.arrayContaining(['X-Request-Id', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'RateLimit', 'RateLimit-Policy', 'Retry-After']));
    expect(res.headers['x-ratelimit-limit']).toBe('60');
    expectNoCredentialsAcrossOrigins(res);
  });

  it.each([
    ['without a credential (401)', (t: request.Test) => t, '/api/v1/produits', 401],
    ['with a key lacking the scope (403)', (t: request.Test) => t.set('X-API-Key', key), '/api/v1/clients', 403],
    ['on an unknown path (404)', (t: request.Test) => t.set('X-API-Key', key), '/api/v1/nothing-here', 404],
  ])('lets a listed origin read an error %s', async (_what, auth, path, status) => {
    const res = await auth(h.api.get(path).set('Origin', WIDGET)).expect(status);
    expect(res.body.success).toBe(false);
    expect(res.headers['access-control-allow-origin']).toBe(WIDGET);
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
    expectNoCredentialsAcrossOrigins(res);
  });

  it.each([['an origin not listed', STRANGER], ['a listed origin with another port', 'http://localhost:5174'], ['the opaque origin "null"', 'null']])(
    'gives %s no CORS header (the browser keeps the response from the page)',
    async (_what, origin) => {
      const res = await h.api.get('/api/v1/produits').set('Origin', origin).set('X-API-Key', key).expect(200);
      expect(Object.keys(res.headers).filter((n) => n.startsWith('access-control-'))).toEqual([]);
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
    },
  );

  it('covers POST /graphql like any API path (a booking widget querying GraphQL), not the GraphiQL page', async () => {
    const pre = await request(h.server).options('/graphql').set('Origin', WIDGET).set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type').expect(204);
    expect(pre.headers['access-control-allow-origin']).toBe(WIDGET);
    expect(pre.headers['access-control-allow-methods'].split(', ')).toContain('POST');
    expectNoCredentialsAcrossOrigins(pre);
    // An answer (a 401 here: no credential) that the page may read, with its request id.
    const res = await h.api.post('/graphql').set('Origin', WIDGET).send({ query: '{ leads { total } }' }).expect(401);
    expect(res.headers['access-control-allow-origin']).toBe(WIDGET);
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
    expectNoCredentialsAcrossOrigins(res);
    const stranger = await h.api.post('/graphql').set('Origin', STRANGER).send({ query: '{ leads { total } }' }).expect(401);
    expect(Object.keys(stranger.headers).filter((n) => n.startsWith('access-control-'))).toEqual([]);
    // GraphiQL is a page of this server, not an API response.
    const page = await request(h.server).get('/graphql').set('Origin', APP).set('Accept', 'text/html').expect(200);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds nothing to the pages that are not the API (console, docs)', async () => {
    const res = await request(h.server).get('/openapi.json').set('Origin', APP).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS preflight needs no database and no credential', () => {
  let dead: Harness;
  beforeAll(async () => {
    dead = await startHarness({ appDatabaseUrl: 'postgres://postgres@127.0.0.1:1/none', env: { CORS_ALLOWED_ORIGINS: APP, DB_CONNECTION_TIMEOUT_MS: '300' } });
  });
  afterAll(() => dead.close());

  it('answers 204 with the database away, while a real call gets 503 with its CORS headers', async () => {
    await preflight(dead, '/api/v1/produits', APP).expect(204).expect('Access-Control-Allow-Origin', APP);
    const res = await dead.api.get('/health').set('Origin', APP).expect(503);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
  });
});

describe('CORS without CORS_ALLOWED_ORIGINS (the default)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('allows no origin: preflights are refused, responses carry no CORS header', async () => {
    await h.api.options('/health').set('Origin', APP).set('Access-Control-Request-Method', 'GET').expect(403);
    const res = await h.api.get('/health').set('Origin', APP).expect(200);
    expect(Object.keys(res.headers).filter((n) => n.startsWith('access-control-'))).toEqual([]);
  });
});

describe('CORS_ALLOWED_ORIGINS', () => {
  it('takes comma-separated exact origins', () => {
    expect(loadConfig({ CORS_ALLOWED_ORIGINS: ` ${APP} ,${WIDGET}` }).corsAllowedOrigins).toEqual([APP, WIDGET]);
    expect(loadConfig({}).corsAllowedOrigins).toEqual([]);
  });

  it.each(['*', 'https://app.example.com/', 'https://app.example.com/widget', 'https://App.example.com', 'app.example.com', 'ftp://files.example.com', `${APP},,${WIDGET}`, 'https://app.example.com:443', 'null'])(
    'refuses %j with one line naming the variable',
    (value) => {
      expect(() => loadConfig({ CORS_ALLOWED_ORIGINS: value })).toThrow(/^CORS_ALLOWED_ORIGINS must be comma-separated origins like https:\/\/app\.example\.com\b[^\n]*$/);
    },
  );
});
