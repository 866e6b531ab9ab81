// Seed 001's "Make Your First Request", as written: a key created in Settings → API (here through
// the same POST the console makes), then
//   curl http://HOST/health                                        (no auth)
//   curl -H "Authorization: Bearer <key>" http://HOST/api/v1/leads
// with exactly the headers curl sends. The seed's X-RateLimit-* headers come with the answer.
import { createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { createLead } from '../helpers/partner-factories';

const AUTHENTICATED_PATH = '/api/v1/leads';
const CURL = { 'User-Agent': 'curl/8.5.0', Accept: '*/*' };

describe("seed 001's first request", () => {
  let h: Harness;
  let key: string;
  beforeAll(async () => {
    h = await startHarness();
    const org = await createOrg(h.db, { edition: 'group' });
    const owner = await signIn(h.api, await createUser(h.db, { orgId: org.id, role: 'owner' }));
    const created = await h.api.post('/api/v1/api-keys').set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf)
      .send({ name: 'Postman Testing', scopes: ['read:leads'] }).expect(201);
    key = created.body.key;
    await createLead(h.db, org.id, { firstName: 'Julie' });
  });
  afterAll(() => h.close());

  it('curl http://HOST/health answers without a credential', async () => {
    const res = await h.api.get('/health').set(CURL).expect(200);
    expect(res.body).toMatchObject({ status: 'ok', db: 'ok' });
  });

  it('curl -H "Authorization: Bearer <key>" answers with data and the seed\'s rate-limit headers (100/min: a partner key)', async () => {
    const res = await h.api.get(AUTHENTICATED_PATH).set(CURL).set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body).toMatchObject({ items: [expect.objectContaining({ first_name: 'Julie' })], total: 1 });
    expect(res.headers['x-ratelimit-limit']).toBe('100');
    expect(Number(res.headers['x-ratelimit-remaining'])).toBe(99);
    expect(res.headers['x-ratelimit-reset']).toMatch(/^\d{10}$/); // Unix seconds
  });
});
