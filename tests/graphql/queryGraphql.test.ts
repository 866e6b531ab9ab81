// POST /graphql: field errors under the REST operations' scopes, tenant isolation, batched
// relations (statements counted on the app's own pool), the limits refused before any SQL, the
// cost in the rate-limit window, and every documented status.
import { randomUUID } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { IdentityProvider } from '../helpers/identity-provider';
import { allScopes } from '../helpers/spec-ops';
import { graphqlWorld, type GraphqlWorld } from './world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('POST /graphql', () => {
  let w: GraphqlWorld;
  let foreignLead: string;
  beforeAll(async () => {
    w = await graphqlWorld();
    foreignLead = (await w.h.db.query('SELECT id FROM leads WHERE org_id = $1 LIMIT 1', [w.other])).rows[0].id;
  });
  afterAll(() => w.h.close());

  const keyWith = async (scopes: string[], rateLimitPerMinute = 1_000) => (await createApiKey(w.h.db, { orgId: w.org, scopes, rateLimitPerMinute })).key;

  it('answers with data and extensions.cost, with variables and an operation name', async () => {
    const res = await w
      .gql('query Booked($status: LeadStatus, $n: Int) { leads(status: $status, limit: $n) { total limit items { status } } } query Other { familles { total } }', {
        variables: { status: 'booked', n: 2 },
        operationName: 'Booked',
      })
      .expect(200);
    const rest = await w.h.api.get('/api/v1/leads?status=booked&limit=2').set('X-API-Key', w.key).expect(200);
    expect(res.body).toEqual({ data: { leads: { total: rest.body.total, limit: 2, items: [{ status: 'booked' }, { status: 'booked' }] } }, extensions: { cost: 1 } });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('a field the key may not read: null with INSUFFICIENT_SCOPE and the request id, its siblings resolved', async () => {
    const key = await keyWith(['read:leads']);
    const res = await w.gql('{ leads(limit: 2) { total items { id assigned_to { name } } } payments { total } }', { key }).expect(200);
    expect(res.body.data.leads.total).toBeGreaterThan(0);
    expect(res.body.data.leads.items.map((l: Json) => l.assigned_to)).toEqual([null, null]);
    expect(res.body.data.payments).toBeNull();
    const codes = res.body.errors.map((e: Json) => [e.path.join('.'), e.extensions.code]);
    expect(codes).toEqual(expect.arrayContaining([['payments', 'INSUFFICIENT_SCOPE'], ['leads.items.0.assigned_to', 'INSUFFICIENT_SCOPE'], ['leads.items.1.assigned_to', 'INSUFFICIENT_SCOPE']]));
    expect(res.body.errors).toHaveLength(3);
    const payments = res.body.errors.find((e: Json) => e.path[0] === 'payments');
    expect(payments).toMatchObject({ message: 'This API key lacks the scope read:payments', extensions: { request_id: res.headers['x-request-id'] } });
  });

  it("another organisation's id, or an unknown one: null with NOT_FOUND, as REST's 404", async () => {
    const unknown = randomUUID();
    const res = await w.gql(`{ a: lead(id: "${foreignLead}") { id } b: lead(id: "${unknown}") { id } teamMembers(limit: 1) { total } }`).expect(200);
    expect(res.body.data).toEqual({ a: null, b: null, teamMembers: { total: 6 } });
    expect(res.body.errors.map((e: Json) => [e.path[0], e.extensions.code, e.message])).toEqual([
      ['a', 'NOT_FOUND', 'Lead not found'],
      ['b', 'NOT_FOUND', 'Lead not found'],
    ]);
    await w.h.api.get(`/api/v1/leads/${foreignLead}`).set('X-API-Key', w.key).expect(404);
  });

  it('an argument REST would refuse: a field error with the same details', async () => {
    const res = await w.gql('{ leads(limit: 500) { total } lead(id: "not-a-uuid") { id } }').expect(200);
    const rest = await w.h.api.get('/api/v1/leads?limit=500').set('X-API-Key', w.key).expect(400);
    expect(res.body.data).toEqual({ leads: null, lead: null });
    expect(res.body.errors[0]).toMatchObject({ path: ['leads'], message: rest.body.error, extensions: { code: 'VALIDATION_ERROR', details: rest.body.details } });
    expect(res.body.errors[1]).toMatchObject({ path: ['lead'], extensions: { code: 'VALIDATION_ERROR', details: [{ loc: ['path', 'id'] }] } });
  });

  it('50 leads with their assigned member: 3 statements (credential, page, one batch of members), each member as REST shows it', async () => {
    w.statements.length = 0;
    const res = await w.gql('{ leads(limit: 50) { items { id assigned_to_id assigned_to { id name email role commission_rate_bps active created_at updated_at external_user_id } } } }').expect(200);
    expect(res.body.errors).toBeUndefined();
    expect(w.statements).toHaveLength(3);
    expect(w.statements[2]).toMatch(/partner_team_member_json.*= ANY\(\$2::uuid\[\]\)/);
    const items = res.body.data.leads.items as Json[];
    expect(items).toHaveLength(50);
    const assigned = items.filter((l) => l.assigned_to_id);
    expect(assigned.length).toBeGreaterThan(1);
    expect(items.filter((l) => !l.assigned_to_id).every((l) => l.assigned_to === null)).toBe(true);
    for (const id of new Set(assigned.map((l) => l.assigned_to_id))) {
      const member = (await w.h.api.get(`/api/v1/team-members/${id}`).set('X-API-Key', w.key).expect(200)).body;
      for (const l of assigned.filter((x) => x.assigned_to_id === id)) expect(l.assigned_to).toEqual(member);
    }
    expect(res.body.extensions.cost).toBe(2);
  });

  it('a relation never crosses organisations: a payment’s lead and product are its own organisation’s', async () => {
    const res = await w.gql('{ payments(limit: 200) { items { lead_id lead { id } product_id product { id } } } }').expect(200);
    const items = res.body.data.payments.items as Json[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((p) => p.lead.id === p.lead_id && (p.product_id === null ? p.product === null : p.product.id === p.product_id))).toBe(true);
    const ours = new Set((await w.h.db.query('SELECT id FROM leads WHERE org_id = $1', [w.org])).rows.map((r) => r.id));
    expect(items.every((p) => ours.has(p.lead.id))).toBe(true);
  });

  describe('refused before any database work: 400 naming the body’s query, no statement sent', () => {
    const deep = `{ familles { items { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } }`;
    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: familles(limit: 1) { total }`).join(' ')} }`;
    const tokens = `{ familles { ${Array.from({ length: 2100 }, () => 'total').join(' ')} } }`;
    const repeats = `{ familles { ${Array.from({ length: 1100 }, () => 'total').join(' ')} } }`;
    const costly = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: leads(limit: 1) { items { assigned_to { id } booking_link { id } } }`).join(' ')}
      payments { items { lead { id } product { id } call { lead { assigned_to { id } } } closer { id } commissions { team_member { id } } } } }`;
    it.each([
      ['depth', deep, /levels deep; at most 8/],
      ['aliases', aliases, /16 aliases; at most 15/],
      ['tokens', tokens, /2000 tokens. Parsing aborted/],
      ['repeated fields', repeats, /repeats too many fields/],
      ['cost', costly, /costs 53 points; at most 50/],
      ['syntax', '{ leads { ', /Syntax Error/],
      ['unknown field', '{ leads { nope } }', /Cannot query field "nope"/],
      ['a mutation', 'mutation { leads { total } }', /Only queries run here, not a mutation/],
      ['a subscription', 'subscription { leads { total } }', /Only queries run here, not a subscription/],
    ])('%s', async (_what, query, message) => {
      w.statements.length = 0;
      const res = await w.gql(query).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR', details: [expect.objectContaining({ loc: ['body', 'query'], msg: expect.stringMatching(message) })] });
      expect(w.statements).toEqual([]);
      expect(res.headers['x-ratelimit-remaining']).toBeUndefined();
    });

    it('variables that do not fit, or an operation that is not there: named too', async () => {
      w.statements.length = 0;
      const bad = await w.gql('query Q($n: Int) { leads(limit: $n) { total } }', { variables: { n: 'ten' } }).expect(400);
      expect(bad.body.details[0]).toMatchObject({ loc: ['body', 'variables'], msg: expect.stringContaining('Int cannot represent') });
      const none = await w.gql('query A { leads { total } } query B { calls { total } }', { operationName: 'C' }).expect(400);
      expect(none.body.details[0]).toMatchObject({ loc: ['body', 'operationName'], msg: 'No operation named C in the query' });
      const two = await w.gql('query A { leads { total } } query B { calls { total } }').expect(400);
      expect(two.body.details[0]).toMatchObject({ loc: ['body', 'operationName'] });
      expect(w.statements).toEqual([]);
    });

    it('a body over 100 kB: 413, no statement', async () => {
      w.statements.length = 0;
      const res = await w.gql(`{ leads { total } } # ${'x'.repeat(110_000)}`).expect(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(w.statements).toEqual([]);
    });

    it('a body that is not the spec’s: 400 naming the field, as any operation', async () => {
      const res = await w.h.api.post('/graphql').set('X-API-Key', w.key).send({ query: '{ leads { total } }', extra: 1 }).expect(400);
      expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['body', 'extra'] }));
    });
  });

  it('a 3-point query takes exactly 3 points of the key’s window (the same as REST’s)', async () => {
    const key = await keyWith(allScopes(), 100);
    const first = await w.h.api.get('/api/v1/leads?limit=1').set('X-API-Key', key).expect(200);
    expect(first.headers['x-ratelimit-remaining']).toBe('99');
    const res = await w.gql('{ leads(limit: 5) { items { assigned_to { id } } } calls(limit: 1) { total } }', { key }).expect(200);
    expect(res.body.extensions.cost).toBe(3);
    expect(res.headers['x-ratelimit-remaining']).toBe('96');
    const after = await w.h.api.get('/api/v1/leads?limit=1').set('X-API-Key', key).expect(200);
    expect(after.headers['x-ratelimit-remaining']).toBe('95');
  });

  it('over budget: 429 RATE_LIMITED with Retry-After, nothing run', async () => {
    const key = await keyWith(allScopes(), 4);
    await w.h.api.get('/api/v1/leads?limit=1').set('X-API-Key', key).expect(200);
    w.statements.length = 0;
    const res = await w.gql('{ a: leads(limit: 1) { total } b: leads(limit: 1) { total } c: calls { total } d: payments { total } }', { key }).expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(w.statements).toHaveLength(1); // the credential's round trip, which refused
    // The 3 points left are still there.
    const ok = await w.gql('{ a: leads(limit: 1) { total } b: leads(limit: 1) { total } c: calls { total } }', { key }).expect(200);
    expect(ok.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('no credential: 401, before the query is read — a bad query or body without a key is a 401 too', async () => {
    for (const body of [{ query: '{ leads { total } }' }, { query: '{ leads { ' }, { query: 42 }, {}]) {
      const res = await w.h.api.post('/graphql').send(body).expect(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('an organisation whose edition has no API access: 403', async () => {
    const express = (await createOrg(w.h.db, { edition: 'express' })).id;
    const { key } = await createApiKey(w.h.db, { orgId: express, scopes: allScopes() });
    const res = await w.gql('{ leads { total } }', { key }).expect(403);
    expect(res.body.code).toBe('API_ACCESS_DISABLED');
  });

  it('a body that is not JSON: 415', async () => {
    const res = await w.h.api.post('/graphql').set('X-API-Key', w.key).set('Content-Type', 'application/graphql').send('{ leads { total } }').expect(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('introspection works (GraphiQL), and costs 1', async () => {
    const res = await w.gql('{ __schema { queryType { name } } __type(name: "Lead") { fields { name } } }').expect(200);
    expect(res.body.data.__schema.queryType.name).toBe('Query');
    expect(res.body.data.__type.fields.map((f: Json) => f.name)).toEqual(expect.arrayContaining(['assigned_to_id', 'assigned_to', 'utm']));
    expect(res.body.extensions.cost).toBe(1);
    // GraphiQL's own introspection query fits the limits (depth counts no introspection field).
    const full = await w.gql(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }), { operationName: 'IntrospectionQuery' }).expect(200);
    expect(full.body.data.__schema.types.map((t: Json) => t.name)).toEqual(expect.arrayContaining(['Lead', 'LeadList', 'Int53', 'DateTime']));
  });
});

describe('POST /graphql with the database away', () => {
  let live: GraphqlWorld;
  let dead: Harness;
  beforeAll(async () => {
    live = await graphqlWorld();
    dead = await startHarness({ appDatabaseUrl: 'postgres://postgres@127.0.0.1:1/none', env: { DB_CONNECTION_TIMEOUT_MS: '300' } });
  });
  afterAll(async () => {
    await dead.close();
    await live.h.close();
  });

  it('503 SERVICE_UNAVAILABLE with Retry-After', async () => {
    const res = await dead.api.post('/graphql').set('X-API-Key', live.key).send({ query: '{ leads { total } }' }).expect(503);
    expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('POST /graphql with an identity-provider JWT (BearerAuth)', () => {
  let idp: IdentityProvider;
  let w: GraphqlWorld;
  let token: string;
  beforeAll(async () => {
    idp = await IdentityProvider.start();
    const signingKey = await idp.newKey('RS256');
    idp.published = [signingKey];
    w = await graphqlWorld({ env: { JWT_ISSUER: idp.issuer } });
    await w.h.db.query('INSERT INTO identity_org_links (org_id, issuer, external_org_id) VALUES ($1, $2, $3)', [w.org, idp.issuer, 'org_gql']);
    // A member: every read scope but read:payments and read:clients (JWT_ROLE_SCOPES' default).
    token = await idp.sign(signingKey, Date.now(), { v: 2, o: { id: 'org_gql', rol: 'member' } });
  });
  afterAll(async () => {
    await w.h.close();
    await idp.close();
  });

  it("each field under the role's scopes, the cost from the user's window", async () => {
    const res = await w.h.api
      .post('/graphql')
      .set('Authorization', `Bearer ${token}`)
      .send({ query: '{ leads(limit: 1) { total } payments { total } clients { total } }' })
      .expect(200);
    expect(res.body.data.leads.total).toBeGreaterThan(0);
    expect(res.body.data).toMatchObject({ payments: null, clients: null });
    expect(res.body.errors.map((e: Json) => [e.path[0], e.extensions.code, e.message])).toEqual([
      ['payments', 'INSUFFICIENT_SCOPE', 'The role member lacks the scope read:payments'],
      ['clients', 'INSUFFICIENT_SCOPE', 'The role member lacks the scope read:clients'],
    ]);
    expect(res.body.extensions.cost).toBe(3);
    expect(res.headers['x-ratelimit-remaining']).toBe('97'); // the user's 100/min, less 3
  });
});
