// Secrets hygiene (issue 7, part 5; OWASP API2/API3/API8:2023): over a run that signs in and out,
// fails to sign in, creates, uses, lists and revokes keys, creates, tests, rotates and lists
// webhooks, trips CSRF and validation, mistakes a key for a query parameter, and calls every
// operation once, then forces an internal error:
//   - the captured logs (trace level) hold no API key, session token, CSRF token, password or
//     webhook secret; a stack trace or SQL text only in the log line of a 5xx;
//   - a response body shows a secret only where the spec says it is shown once (the key at
//     creation, the webhook secret at creation and rotation, the CSRF token at sign-in), and never
//     a stack trace or SQL text;
//   - what a webhook receiver gets carries the signature, never the secret.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type request from 'supertest';
import { handlers } from '../../handlers';
import { authenticate, BATTERY_ENV, credentialKinds, seedTenant, type Tenant, quietPool } from '../helpers/battery-world';
import { startHarness, type ContractClient, type Harness } from '../helpers/harness';
import { fill, harvestIds } from '../helpers/spec-ids';
import { requiredHeadersFor, specOps } from '../helpers/spec-ops';

const STACK = /(\\n|\n)\s+at \S+ \(?\S+:\d+:\d+/;
const SQL = /\b(SELECT\b[\s\S]{0,300}\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/i;

interface Seen {
  n: number;
  what: string;
  status: number;
  text: string;
}

/** The contract client, recording every response. */
function recording(api: ContractClient, seen: Seen[]): ContractClient {
  const out = {} as ContractClient;
  for (const method of Object.keys(api) as Array<keyof ContractClient>) {
    out[method] = (url: string) => {
      const t = api[method](url);
      const then = t.then.bind(t);
      t.then = ((ok, fail) =>
        then((res) => {
          seen.push({ n: seen.length, what: `${method.toUpperCase()} ${url}`, status: res.status, text: res.text ?? '' });
          return res;
        }).then(ok, fail)) as typeof t.then;
      return t;
    };
  }
  return out;
}

describe('secrets hygiene', () => {
  let h: Harness;
  let api: ContractClient;
  let a: Tenant;
  let receiver: Server;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const seen: Seen[] = [];
  /** Secret → the response that showed it (the one allowed to). */
  const issued = new Map<string, number | null>();
  const secret = (value: string, shownIn: number | null = null) => {
    expect(value.length).toBeGreaterThan(7);
    issued.set(value, shownIn);
    return value;
  };
  const last = () => seen[seen.length - 1].n;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    h = await startHarness({ env: { ...BATTERY_ENV, WEBHOOKS_ALLOW_INSECURE_URLS: 'true' }, captureLogs: true });
    quietPool(h.db);
    api = recording(h.api, seen);
    a = await seedTenant(h.db, 'HYGA');
    for (const s of [a.key, a.session.token, a.session.csrf, a.owner.password, ...a.webhookSecrets]) secret(s);

    // Sign in (the password travels in a body), and fail to.
    const login = await api.post('/api/v1/auth/login').send({ email: a.owner.email, password: a.owner.password }).expect(200);
    const token = String(login.headers['set-cookie']![0]).split(';')[0].split('=')[1];
    secret(token); // in Set-Cookie only, never a body
    const csrf = secret(login.body.csrf_token, last());
    const session = { cookie: `aura_session=${token}`, csrf, token };
    const wrongPassword = secret(`${a.owner.password}-not`);
    await api.post('/api/v1/auth/login').send({ email: a.owner.email, password: wrongPassword }).expect(401);
    await api.post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: wrongPassword }).expect(401);
    const asOwner = (t: request.Test) => t.set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf);

    // CSRF: a wrong token, and the right token of another session sent as the wrong header.
    await api.post('/api/v1/api-keys').set('Cookie', session.cookie).set('X-CSRF-Token', a.session.csrf).send({ name: 'x', scopes: ['read:catalogue'] }).expect(403);

    // A key: created (shown once), used both ways, listed, read, revoked, refused.
    const created = await asOwner(api.post('/api/v1/api-keys')).send({ name: 'hygiene', scopes: ['read:catalogue', 'read:clients', 'webhooks:read', 'webhooks:write'] }).expect(201);
    const key = secret(created.body.key, last());
    await api.get('/api/v1/produits').set('X-API-Key', key).expect(200);
    await api.get('/api/v1/produits').set('Authorization', `Bearer ${key}`).expect(200);
    await asOwner(api.get('/api/v1/api-keys')).expect(200);
    await asOwner(api.get(`/api/v1/api-keys/${created.body.api_key.id}`)).expect(200);
    // A key mistaken for a query parameter, or mangled: refused, and never written to the log.
    await api.get(`/api/v1/produits?api_key=${key}`).set('X-API-Key', key).expect(400);
    await api.get('/api/v1/produits').set('X-API-Key', `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`).expect(401);
    await api.get('/api/v1/produits').set('X-API-Key', key.slice(0, 40)).expect(401);
    // Webhooks: created (secret shown once), tested to a real receiver, rotated, read back.
    const hook = await api.post('/api/v1/webhooks').set('X-API-Key', key).send({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, events: ['client.created'] }).expect(201);
    secret(hook.body.secret, last());
    secret(hook.body.secret.slice('whsec_'.length), last());
    await api.post(`/api/v1/webhooks/${hook.body.webhook.id}/test`).set('X-API-Key', key).expect(200);
    const rotated = await api.post(`/api/v1/webhooks/${hook.body.webhook.id}/rotate-secret`).set('X-API-Key', key).expect(200);
    secret(rotated.body.secret, last());
    await api.post(`/api/v1/webhooks/${hook.body.webhook.id}/test`).set('X-API-Key', key).expect(200);
    await api.get(`/api/v1/webhooks/${hook.body.webhook.id}/deliveries`).set('X-API-Key', key).expect(200);
    await api.post(`/api/v1/webhooks/${hook.body.webhook.id}/revoke-nothing`).set('X-API-Key', key).expect(404);
    await asOwner(api.post(`/api/v1/api-keys/${created.body.api_key.id}/revoke`)).expect(200);
    await api.get('/api/v1/produits').set('X-API-Key', key).expect(401);
    // Validation errors that echo nothing they were sent.
    await asOwner(api.post('/api/v1/api-keys')).send({ name: key, scopes: [key], password: a.owner.password }).expect(400);
    await api.post('/api/v1/auth/login').send({ email: a.owner.email, password: a.owner.password, remember: a.owner.password }).expect(400);

    // Every operation once, with the example body and real ids.
    const found = await harvestIds(api, a);
    for (const op of specOps) {
      const values = Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], found.get(op.path.slice(0, op.path.indexOf(`/{${m[1]}}`)))?.[0] ?? '00000000-0000-4000-8000-000000000000']));
      let t = api[op.method as 'get'](fill(op.path, values)).set(requiredHeadersFor(op));
      const via = credentialKinds(op)[0];
      if (via) t = authenticate(t, via, a);
      if (op.hasBody) t = t.send((op.exampleBody ?? {}) as object);
      expect((await t).status).toBeLessThan(500);
    }
    await asOwner(api.post('/api/v1/auth/logout')).expect(204);
    await asOwner(api.get('/api/v1/auth/me')).expect(401);
  });

  afterAll(async () => {
    await h?.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('ran the scenario (responses recorded, logs captured, the receiver reached)', () => {
    expect(seen.length).toBeGreaterThan(60);
    expect(h.logs.length).toBeGreaterThan(60);
    expect(received.length).toBeGreaterThanOrEqual(2);
  });

  it('no secret in any log line', () => {
    for (const [value] of issued) {
      const hits = h.logs.filter((l) => l.includes(value));
      expect([value.slice(0, 10), hits.map((l) => l.slice(0, 400))]).toEqual([value.slice(0, 10), []]);
    }
  });

  it('no stack trace or SQL in the logs (there was no 5xx)', () => {
    expect(h.logs.filter((l) => STACK.test(l) || SQL.test(l)).map((l) => l.slice(0, 400))).toEqual([]);
  });

  it('a secret only in the one response that shows it; no stack trace or SQL in any body', () => {
    for (const r of seen) {
      for (const [value, shownIn] of issued) {
        if (r.text.includes(value) && r.n !== shownIn) throw new Error(`${r.what} → ${r.status} shows a secret (${value.slice(0, 10)}…): ${r.text.slice(0, 300)}`);
      }
      expect([r.what, STACK.test(r.text) || SQL.test(r.text)]).toEqual([r.what, false]);
    }
  });

  it('a webhook receiver gets a signature, never the secret', () => {
    for (const r of received) {
      expect(r.headers['webhook-signature']).toMatch(/^v1,/);
      const all = JSON.stringify(r.headers) + r.body;
      for (const [value] of issued) expect(all.includes(value)).toBe(false);
    }
  });

  it('an internal error: the envelope with a request id and nothing else; the log has the cause', async () => {
    const broken = await startHarness({
      env: BATTERY_ENV,
      captureLogs: true,
      database: h.database,
      handlers: {
        ...handlers,
        listProduits: async (ctx) => {
          // A real database error from broken SQL, with a credential among its parameters.
          await ctx.db.query('SELECT no_such_column FROM api_keys WHERE key_hash = $1 AND name = $2', [Buffer.from('x'), a.key]);
          throw new Error('unreachable');
        },
      },
    });
    quietPool(broken.db);
    try {
      const res = await broken.api.get('/api/v1/produits').set('X-API-Key', a.key).expect(500);
      expect(res.body).toEqual({ success: false, code: 'INTERNAL_ERROR', error: expect.any(String), request_id: res.headers['x-request-id'] });
      expect(STACK.test(res.text) || SQL.test(res.text) || res.text.includes('no_such_column')).toBe(false);
      const logged = broken.logs.filter((l) => l.includes(res.headers['x-request-id']) && l.includes('"level":50'));
      expect(logged.join('\n')).toContain('no_such_column');
      expect(broken.logs.join('\n')).not.toContain(a.key);
    } finally {
      await broken.close();
    }
  });
});
