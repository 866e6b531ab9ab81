// Behaviour every operation shares, generated from the spec: no credential → 401; unknown query
// parameter → 400 naming it; database away → 503 with Retry-After; a key over its limit → 429;
// a key without a needed scope → 403 naming it; a session without the role → 403; a console
// user over their limit → 429.
import type request from 'supertest';
import { createApiKey, createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { allScopes, requiredHeadersFor, specOps, urlFor, type SpecOp } from '../helpers/spec-ops';

const secured = specOps.filter((o) => !o.public);
const keyOps = specOps.filter((o) => o.keyScopes !== null);
const scopedKeyOps = keyOps.filter((o) => o.keyScopes!.length > 0);
const roleOps = specOps.filter((o) => o.sessionRoles && o.sessionRoles.length > 0 && o.keyScopes === null);

function call(h: Harness, op: SpecOp, url = urlFor(op)): request.Test {
  const t = h.api[op.method as 'get'](url).set(requiredHeadersFor(op));
  return op.hasBody ? t.send((op.exampleBody ?? {}) as object) : t;
}

interface World {
  h: Harness;
  key: string;
  owner: { cookie: string; csrf: string };
  member: { cookie: string; csrf: string };
  orgId: string;
}

async function world(h: Harness): Promise<World> {
  const org = await createOrg(h.db);
  const { key } = await createApiKey(h.db, { orgId: org.id, scopes: allScopes(), rateLimitPerMinute: 10_000 });
  const owner = await signIn(h.api, await createUser(h.db, { orgId: org.id, role: 'owner' }));
  const member = await signIn(h.api, await createUser(h.db, { orgId: org.id, role: 'member' }));
  return { h, key, owner, member, orgId: org.id };
}

/** Authenticate as the op prefers: a key when it takes keys, else an owner session (+ CSRF). */
function withCredential(w: World, op: SpecOp, t: request.Test, who: 'owner' | 'member' = 'owner'): request.Test {
  if (op.keyScopes !== null && who === 'owner') return t.set('X-API-Key', w.key);
  const s = w[who];
  return t.set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
}

describe('every operation', () => {
  let w: World;
  beforeAll(async () => {
    w = await world(await startHarness());
  });
  afterAll(() => w.h.close());

  it.each(secured.map((o) => [o.operationId, o]))('%s: no credential → 401 with WWW-Authenticate', async (_id, op) => {
    const res = await call(w.h, op).expect(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="aura"/);
  });

  it.each(specOps.map((o) => [o.operationId, o]))('%s: unknown query parameter → 400 naming it', async (_id, op) => {
    const t = call(w.h, op, `${urlFor(op)}?bogus_param=1`);
    const res = await (op.public ? t : withCredential(w, op, t)).expect(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'bogus_param'] }));
  });

  const scopeCases = scopedKeyOps.flatMap((o) => o.keyScopes!.map((s) => [o.operationId, s, o] as const));
  // (it.each refuses an empty table: skip loudly until an operation declares scopes.)
  (scopeCases.length ? it.each(scopeCases) : it.skip.each([['(none)', '(no scoped operation yet)', specOps[0]] as const]))(
    '%s: a key without %s → 403 INSUFFICIENT_SCOPE naming it',
    async (_id, scope, op) => {
      const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: allScopes().filter((s) => s !== scope) });
      const res = await call(w.h, op).set('X-API-Key', key).expect(403);
      expect(res.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', error: expect.stringContaining(scope) });
    },
  );

  it.each(roleOps.filter((o) => !o.sessionRoles!.includes('member')).map((o) => [o.operationId, o]))(
    '%s: a member session → 403 FORBIDDEN',
    async (_id, op) => {
      const res = await withCredential(w, op, call(w.h, op), 'member').expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    },
  );

  it.each(keyOps.map((o) => [o.operationId, o]))('%s: a key over its limit → 429 with Retry-After', async (_id, op) => {
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: allScopes(), rateLimitPerMinute: 1 });
    await call(w.h, op).set('X-API-Key', key);
    const res = await call(w.h, op).set('X-API-Key', key).expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
  });
});

describe('every operation a console session can call', () => {
  let h: Harness;
  let orgId: string;
  beforeAll(async () => {
    h = await startHarness({ env: { SESSION_RATE_LIMIT_PER_MINUTE: '1' } });
    orgId = (await createOrg(h.db)).id;
  });
  afterAll(() => h.close());

  const sessionOps = specOps.filter((o) => o.sessionRoles !== null);
  it.each(sessionOps.map((o) => [o.operationId, o]))('%s: a user over their limit → 429 with Retry-After', async (_id, op) => {
    const s = await signIn(h.api, await createUser(h.db, { orgId, role: 'owner' }));
    const asUser = (t: request.Test) => t.set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
    // The window is the user's, across operations: one call anywhere spends it.
    await asUser(h.api.get('/api/v1/auth/me')).expect(200);
    const res = await asUser(call(h, op)).expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'ratelimit-policy': '"user";q=1;w=60' });
  });
});

describe('every operation, with the database away', () => {
  let w: World;
  let dead: Harness;
  beforeAll(async () => {
    const live = await startHarness();
    w = await world(live);
    // The same credentials, presented to an app whose database does not answer.
    dead = await startHarness({ appDatabaseUrl: 'postgres://postgres@127.0.0.1:1/none', env: { DB_CONNECTION_TIMEOUT_MS: '300' } });
  });
  afterAll(async () => {
    await dead.close();
    await w.h.close();
  });

  it.each(specOps.map((o) => [o.operationId, o]))('%s → 503 SERVICE_UNAVAILABLE with Retry-After', async (_id, op) => {
    const t = call(dead, op);
    const res = await (op.public ? t : withCredential(w, op, t)).expect(503);
    expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
