import { randomUUID } from 'node:crypto';
import { createApiKey, createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('GET /api/v1/api-keys/{id}', () => {
  let h: Harness;
  let orgId: string;
  let owner: { cookie: string };
  beforeAll(async () => {
    h = await startHarness();
    orgId = (await createOrg(h.db)).id;
    owner = await signIn(h.api, await createUser(h.db, { orgId, role: 'owner' }));
  });
  afterAll(() => h.close());

  it('shows the key with its last use, kept current within a minute', async () => {
    const { id, key } = await createApiKey(h.db, { orgId, scopes: ['read:tickets'] });
    const before = await h.api.get(`/api/v1/api-keys/${id}`).set('Cookie', owner.cookie).expect(200);
    expect(before.body).toMatchObject({ id, last_used_at: null, last_used_ip: null, status: 'active' });
    await h.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);
    const after = await h.api.get(`/api/v1/api-keys/${id}`).set('Cookie', owner.cookie).expect(200);
    expect(after.body).toMatchObject({ last_used_ip: '127.0.0.1', last_used_at: expect.any(String) });
  });

  it("answers 404 for an unknown id and for another organisation's key", async () => {
    const other = await createApiKey(h.db, { orgId: (await createOrg(h.db)).id, scopes: [] });
    for (const id of [randomUUID(), other.id]) {
      const res = await h.api.get(`/api/v1/api-keys/${id}`).set('Cookie', owner.cookie).expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
  });
});
