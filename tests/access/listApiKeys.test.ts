import { createApiKey, createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('GET /api/v1/api-keys', () => {
  let h: Harness;
  let orgId: string;
  let admin: { cookie: string };
  beforeAll(async () => {
    h = await startHarness();
    orgId = (await createOrg(h.db)).id;
    admin = await signIn(h.api, await createUser(h.db, { orgId, role: 'admin' }));
  });
  afterAll(() => h.close());

  it("lists the organisation's keys newest first, paged, never another organisation's, never a key", async () => {
    const mine = [];
    for (let i = 0; i < 5; i++) {
      const k = await createApiKey(h.db, { orgId, scopes: ['read:catalogue'], name: `k${i}` });
      await h.db.query(`UPDATE api_keys SET created_at = now() - make_interval(mins => $2) WHERE id = $1`, [k.id, 10 - i]);
      mine.push(k);
    }
    const other = await createOrg(h.db);
    await createApiKey(h.db, { orgId: other.id, scopes: [], name: 'foreign' });
    const page1 = await h.api.get('/api/v1/api-keys?limit=3').set('Cookie', admin.cookie).expect(200);
    const page2 = await h.api.get('/api/v1/api-keys?limit=3&offset=3').set('Cookie', admin.cookie).expect(200);
    expect(page1.body).toMatchObject({ total: 5, limit: 3, offset: 0 });
    const names = [...page1.body.items, ...page2.body.items].map((k: { name: string }) => k.name);
    expect(names).toEqual(['k4', 'k3', 'k2', 'k1', 'k0']);
    const text = JSON.stringify([page1.body, page2.body]);
    for (const k of mine) expect(text).not.toContain(k.key.slice(11));
  });

  it.each([['limit=0'], ['limit=201'], ['offset=-1'], ['limit=abc']])('refuses %s with 400 naming the parameter', async (q) => {
    const res = await h.api.get(`/api/v1/api-keys?${q}`).set('Cookie', admin.cookie).expect(400);
    expect(res.body.details[0].loc).toEqual(['query', q.split('=')[0]]);
  });
});
