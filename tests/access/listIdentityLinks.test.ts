import { createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('GET /api/v1/identity-links', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("an owner sees the organisation's links, newest first, paginated; never another organisation's", async () => {
    const orgId = (await createOrg(h.db)).id;
    const other = (await createOrg(h.db)).id;
    const insert = (org: string, ext: string, at: string) =>
      h.db.query('INSERT INTO identity_org_links (org_id, issuer, external_org_id, created_at) VALUES ($1, $2, $3, $4)', [org, 'https://clerk.example.com', ext, at]);
    await insert(orgId, 'org_old', '2026-01-01T00:00:00Z');
    await insert(orgId, 'org_new', '2026-02-01T00:00:00Z');
    await insert(other, 'org_theirs', '2026-03-01T00:00:00Z');
    const owner = await signIn(h.api, await createUser(h.db, { orgId, role: 'owner' }));
    const res = await h.api.get('/api/v1/identity-links').set('Cookie', owner.cookie).expect(200);
    expect(res.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(res.body.items.map((l: { external_org_id: string }) => l.external_org_id)).toEqual(['org_new', 'org_old']);
    const page = await h.api.get('/api/v1/identity-links?limit=1&offset=1').set('Cookie', owner.cookie).expect(200);
    expect(page.body.items).toEqual([{ id: expect.any(String), issuer: 'https://clerk.example.com', external_org_id: 'org_old', created_at: '2026-01-01T00:00:00.000Z' }]);

    const member = await signIn(h.api, await createUser(h.db, { orgId, role: 'member' }));
    expect((await h.api.get('/api/v1/identity-links').set('Cookie', member.cookie).expect(403)).body.code).toBe('FORBIDDEN');
  });
});
