// The SDK (sdk/index.ts) against the live app on its own database, with the demo organisation's
// POS data (seedPosDemo): typed calls, every page of a list, and 401/403/429 as typed errors,
// including the retry that honours Retry-After (the app's clock moves on instead of the test waiting).
import {
  AuraApiError, AuraForbiddenError, AuraRateLimitError, AuraUnauthorizedError, createAuraClient, paginate, parseRetryAfter,
  type AuraClient,
} from '../../sdk';
import { generateApiKey } from '../../src/auth/api-key-format';
import { seedPosDemo } from '../../handlers/pos/demo/data';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

let h: Harness;
let orgId: string;
let aura: AuraClient;
/** How far the app's clock is ahead of the real one (the rate limiter reads it). */
let skewMs = 0;

const TZ = 'Europe/Brussels';
const dayIn = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d); // YYYY-MM-DD
const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

async function keyFor(scopes: string[], rateLimitPerMinute = 10_000) {
  return (await createApiKey(h.db, { orgId, scopes, rateLimitPerMinute })).key;
}

beforeAll(async () => {
  h = await startHarness({ clock: () => new Date(Date.now() + skewMs), env: { WEBHOOKS_ALLOW_INSECURE_URLS: 'true' } });
  orgId = (await createOrg(h.db, { timezone: TZ })).id;
  await seedPosDemo(h.db, orgId);
  aura = createAuraClient({ baseUrl: h.baseUrl, apiKey: await keyFor(['read:catalogue', 'read:tickets']) });
}, 120_000);
afterAll(() => h?.close());

describe('typed calls', () => {
  it('lists products: one page, typed', async () => {
    const { data, response } = await aura.GET('/api/v1/produits', { params: { query: { limit: 20, actif: true } } });
    expect(response.status).toBe(200);
    expect(data.limit).toBe(20);
    expect(data.items).toHaveLength(20);
    expect(data.total).toBeGreaterThan(20);
    for (const p of data.items) {
      expect(p.actif).toBe(true);
      expect(Number.isInteger(p.prix_ttc)).toBe(true);
      expect(p.currency).toBe('EUR');
    }
  });

  it('gets one product by id (path parameter)', async () => {
    const { data: list } = await aura.GET('/api/v1/produits', { params: { query: { limit: 1 } } });
    const { data } = await aura.GET('/api/v1/produits/{id}', { params: { path: { id: list.items[0].id } } });
    expect(data).toEqual(list.items[0]);
  });

  it('a trailing slash on the base URL is harmless', async () => {
    const other = createAuraClient({ baseUrl: `${h.baseUrl}/`, apiKey: await keyFor(['read:catalogue']) });
    const { data } = await other.GET('/api/v1/familles', { params: { query: { limit: 1 } } });
    expect(data.items).toHaveLength(1);
  });
});

describe('paginate', () => {
  it('walks every product, once each, in as many requests as pages', async () => {
    let requests = 0;
    const counting = createAuraClient({
      baseUrl: h.baseUrl,
      apiKey: await keyFor(['read:catalogue']),
      fetch: (r) => {
        requests++;
        return fetch(r);
      },
    });
    const ids: string[] = [];
    for await (const p of paginate(counting, '/api/v1/produits', { pageSize: 50 })) ids.push(p.id);
    const { rows } = await h.db.query('SELECT count(*)::int AS n FROM produits WHERE org_id = $1', [orgId]);
    expect(ids).toHaveLength(rows[0].n);
    expect(new Set(ids).size).toBe(ids.length);
    expect(requests).toBe(Math.ceil(rows[0].n / 50));
  });

  it('walks all tickets of a week, with their lines, page by page', async () => {
    const today = dayIn(new Date());
    const debut = addDays(today, -14);
    const fin = addDays(debut, 6);
    const tickets = [];
    for await (const t of paginate(aura, '/api/v1/tickets', { query: { debut, fin, withLignes: true }, pageSize: 100 })) tickets.push(t);

    const { rows } = await h.db.query(
      `SELECT count(*)::int AS n FROM tickets WHERE org_id = $1 AND (date_heure AT TIME ZONE $2)::date BETWEEN $3 AND $4`,
      [orgId, TZ, debut, fin],
    );
    expect(rows[0].n).toBeGreaterThan(100); // several pages
    expect(tickets).toHaveLength(rows[0].n);
    expect(new Set(tickets.map((t) => t.id)).size).toBe(tickets.length);
    for (const t of tickets) {
      const day = dayIn(new Date(t.date_heure));
      expect(day >= debut && day <= fin).toBe(true);
      expect(t.lignes?.length).toBeGreaterThan(0);
    }
    // The documented order: date_heure, then id.
    const order = tickets.map((t) => `${new Date(t.date_heure).toISOString()} ${t.id}`);
    expect(order).toEqual([...order].sort());
  });

  it('an empty list ends at once', async () => {
    const items = [];
    for await (const t of paginate(aura, '/api/v1/tickets', { query: { debut: '2001-01-01', fin: '2001-01-07' } })) items.push(t);
    expect(items).toEqual([]);
  });
});

describe('typed errors', () => {
  it('401: an unknown key is an AuraUnauthorizedError with the code and request id', async () => {
    const bad = createAuraClient({ baseUrl: h.baseUrl, apiKey: generateApiKey().key }); // well-formed, never stored
    const err = await bad.GET('/api/v1/produits').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuraUnauthorizedError);
    expect(err).toBeInstanceOf(AuraApiError);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHORIZED', method: 'GET', name: 'AuraUnauthorizedError' });
    expect((err as AuraApiError).requestId).toMatch(/\S/);
    expect((err as AuraApiError).url).toBe(`${h.baseUrl}/api/v1/produits`);
  });

  it('401: a revoked key', async () => {
    const { id, key } = await createApiKey(h.db, { orgId, scopes: ['read:catalogue'] });
    await h.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [id]);
    const revoked = createAuraClient({ baseUrl: h.baseUrl, apiKey: key });
    await expect(revoked.GET('/api/v1/produits')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: expect.stringMatching(/revoked/) });
  });

  it('403: a key without the scope is an AuraForbiddenError naming the scope', async () => {
    const catalogueOnly = createAuraClient({ baseUrl: h.baseUrl, apiKey: await keyFor(['read:catalogue']) });
    const err = await catalogueOnly.GET('/api/v1/tickets').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuraForbiddenError);
    expect(err).toMatchObject({ status: 403, code: 'INSUFFICIENT_SCOPE', message: expect.stringContaining('read:tickets') });
  });

  it('400: validation details come through', async () => {
    const err = await aura.GET('/api/v1/produits', { params: { query: { limit: 500 } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuraApiError);
    expect(err).not.toBeInstanceOf(AuraForbiddenError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    expect((err as AuraApiError).details).toContainEqual(expect.objectContaining({ loc: ['query', 'limit'] }));
  });

  it('404 is an AuraApiError with code NOT_FOUND', async () => {
    await expect(aura.GET('/api/v1/tickets/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } })).rejects.toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });
});

describe('429 and Retry-After', () => {
  /** A client on a fresh key limited to 1 request/minute; its sleeps are recorded, and optionally move the app's clock. */
  async function limited(opts: { maxRetries?: number; maxRetryDelayMs?: number; advanceClock: boolean; scopes?: string[] }) {
    const sleeps: number[] = [];
    const statuses: number[] = [];
    const retryAfters: Array<string | null> = [];
    const client = createAuraClient({
      baseUrl: h.baseUrl,
      apiKey: await keyFor(opts.scopes ?? ['read:catalogue'], 1),
      maxRetries: opts.maxRetries,
      maxRetryDelayMs: opts.maxRetryDelayMs,
      fetch: async (r) => {
        const res = await fetch(r);
        statuses.push(res.status);
        retryAfters.push(res.headers.get('retry-after'));
        return res;
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        if (opts.advanceClock) skewMs += ms;
      },
    });
    return { client, sleeps, statuses, retryAfters };
  }

  it('without retries, the second request of the minute is an AuraRateLimitError with retryAfter', async () => {
    const { client, sleeps } = await limited({ maxRetries: 0, advanceClock: false });
    await client.GET('/api/v1/familles');
    const err = await client.GET('/api/v1/familles').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuraRateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const retryAfter = (err as AuraRateLimitError).retryAfter!;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(61); // a 60-second window counted in whole seconds
    expect(sleeps).toEqual([]);
  });

  it('retries once after exactly Retry-After seconds, then succeeds', async () => {
    const { client, sleeps, statuses, retryAfters } = await limited({ advanceClock: true });
    await client.GET('/api/v1/familles');
    const { data } = await client.GET('/api/v1/familles');
    expect(data.items.length).toBeGreaterThan(0);
    expect(statuses).toEqual([200, 429, 200]);
    expect(sleeps).toEqual([Number(retryAfters[1]) * 1000]);
  });

  it('a POST is retried with its body intact', async () => {
    const { client, sleeps, statuses } = await limited({ advanceClock: true, scopes: ['webhooks:write', 'webhooks:read', 'read:tickets'] });
    await client.GET('/api/v1/webhooks');
    const { data, response } = await client.POST('/api/v1/webhooks', {
      body: { url: 'http://127.0.0.1:9/sdk-retry', events: ['ticket.created'], description: 'retried POST', active: false },
    });
    expect(response.status).toBe(201);
    expect(data.webhook).toMatchObject({ url: 'http://127.0.0.1:9/sdk-retry', description: 'retried POST', active: false });
    expect(data.secret).toMatch(/^whsec_/);
    expect(statuses).toEqual([200, 429, 201]);
    expect(sleeps).toHaveLength(1);
  });

  it('gives up after maxRetries and throws the last 429', async () => {
    const { client, sleeps, statuses } = await limited({ maxRetries: 2, advanceClock: false });
    await client.GET('/api/v1/familles');
    await expect(client.GET('/api/v1/familles')).rejects.toBeInstanceOf(AuraRateLimitError);
    expect(statuses).toEqual([200, 429, 429, 429]);
    expect(sleeps).toHaveLength(2);
  });

  it('does not wait longer than maxRetryDelayMs: throws at once instead', async () => {
    const { client, sleeps, statuses } = await limited({ maxRetryDelayMs: 500, advanceClock: false });
    await client.GET('/api/v1/familles');
    await expect(client.GET('/api/v1/familles')).rejects.toMatchObject({ status: 429 });
    expect(statuses).toEqual([200, 429]);
    expect(sleeps).toEqual([]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-05-24T16:00:00Z');
    expect(parseRetryAfter('17', now)).toBe(17);
    expect(parseRetryAfter('Sun, 24 May 2026 16:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 24 May 2026 15:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

// Compile-time checks (tsc --noEmit): the spec's types reach the caller; wrong calls do not compile.
export async function typeChecks(client: AuraClient): Promise<void> {
  const { data } = await client.GET('/api/v1/tickets/{id}', { params: { path: { id: 'x' } } });
  const numero: number = data.numero;
  // @ts-expect-error a number is not a string
  const wrong: string = data.total_ttc;
  // @ts-expect-error the path parameter is required
  await client.GET('/api/v1/tickets/{id}');
  // @ts-expect-error limit is an integer
  await client.GET('/api/v1/produits', { params: { query: { limit: 'ten' } } });
  // @ts-expect-error not a path of the API
  await client.GET('/api/v1/nothing');
  // @ts-expect-error a single ticket is not a list
  paginate(client, '/api/v1/tickets/{id}');
  // @ts-expect-error limit and offset belong to the walk
  paginate(client, '/api/v1/tickets', { query: { limit: 5 } });
  // @ts-expect-error this list needs its path parameter
  paginate(client, '/api/v1/webhooks/{id}/deliveries');
  for await (const d of paginate(client, '/api/v1/webhooks/{id}/deliveries', { path: { id: 'x' }, query: { status: 'failed' } })) {
    const s: 'pending' | 'delivered' | 'failed' = d.status;
    void s;
  }
  void numero;
  void wrong;
}
