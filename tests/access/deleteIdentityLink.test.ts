import { createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { IdentityProvider, type SigningKey } from '../helpers/identity-provider';

describe('DELETE /api/v1/identity-links/{id}', () => {
  let idp: IdentityProvider;
  let key: SigningKey;
  let h: Harness;
  beforeAll(async () => {
    idp = await IdentityProvider.start();
    key = await idp.newKey();
    h = await startHarness({ env: { JWT_ISSUER: idp.issuer, JWT_PUBLIC_KEY: await idp.publicPem(key) } });
  });
  afterAll(async () => {
    await h.close();
    await idp.close();
  });

  it("unlinks: the provider organisation's JWTs are refused (403) from the next request; audited; again → 404", async () => {
    const orgId = (await createOrg(h.db)).id;
    const owner = await signIn(h.api, await createUser(h.db, { orgId, role: 'owner' }));
    const { rows } = await h.db.query('INSERT INTO identity_org_links (org_id, issuer, external_org_id) VALUES ($1, $2, $3) RETURNING id', [orgId, idp.issuer, 'org_gone']);
    const token = await idp.sign(key, Date.now(), { v: 2, o: { id: 'org_gone', rol: 'admin' } });
    await h.api.get('/api/v1/whoami').set('Authorization', `Bearer ${token}`).expect(200);

    const del = () => h.api.delete(`/api/v1/identity-links/${rows[0].id}`).set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf);
    await del().expect(204);
    const refused = await h.api.get('/api/v1/whoami').set('Authorization', `Bearer ${token}`).expect(403);
    expect(refused.body.error).toBe('This identity provider organisation is not linked to an Aura organisation');
    const audit = await h.db.query("SELECT target_id, metadata FROM audit_events WHERE action = 'identity_link.deleted'");
    expect(audit.rows).toEqual([{ target_id: rows[0].id, metadata: { issuer: idp.issuer, external_org_id: 'org_gone' } }]);
    expect((await del().expect(404)).body.code).toBe('NOT_FOUND');
  });

  it("another organisation's link → 404, and it stays", async () => {
    const mine = (await createOrg(h.db)).id;
    const theirs = (await createOrg(h.db)).id;
    const owner = await signIn(h.api, await createUser(h.db, { orgId: mine, role: 'owner' }));
    const { rows } = await h.db.query('INSERT INTO identity_org_links (org_id, issuer, external_org_id) VALUES ($1, $2, $3) RETURNING id', [theirs, idp.issuer, 'org_theirs']);
    await h.api.delete(`/api/v1/identity-links/${rows[0].id}`).set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf).expect(404);
    expect((await h.db.query('SELECT 1 FROM identity_org_links WHERE id = $1', [rows[0].id])).rowCount).toBe(1);
  });
});
