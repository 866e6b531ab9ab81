import { createApiKey, createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { IdentityProvider, type SigningKey } from '../helpers/identity-provider';

describe('POST /api/v1/identity-links', () => {
  let idp: IdentityProvider;
  let key: SigningKey;
  let h: Harness;
  let orgId: string;
  let owner: { cookie: string; csrf: string };
  beforeAll(async () => {
    idp = await IdentityProvider.start();
    key = await idp.newKey();
    h = await startHarness({ env: { JWT_ISSUER: idp.issuer, JWT_PUBLIC_KEY: await idp.publicPem(key) } });
    orgId = (await createOrg(h.db)).id;
    owner = await signIn(h.api, await createUser(h.db, { orgId, role: 'owner' }));
  });
  afterAll(async () => {
    await h.close();
    await idp.close();
  });

  const link = (who: { cookie: string; csrf: string }, body: unknown) => h.api.post('/api/v1/identity-links').set('Cookie', who.cookie).set('X-CSRF-Token', who.csrf).send(body as object);

  it("an owner links a provider organisation: that organisation's JWTs then act here (before: 403), and the link is audited", async () => {
    const token = await idp.sign(key, Date.now(), { v: 2, o: { id: 'org_owner_links', rol: 'admin' } });
    await h.api.get('/api/v1/whoami').set('Authorization', `Bearer ${token}`).expect(403);
    const res = await link(owner, { issuer: idp.issuer, external_org_id: 'org_owner_links' }).expect(201);
    expect(res.body).toEqual({ id: expect.any(String), issuer: idp.issuer, external_org_id: 'org_owner_links', created_at: expect.any(String) });
    const who = await h.api.get('/api/v1/whoami').set('Authorization', `Bearer ${token}`).expect(200);
    expect(who.body).toMatchObject({ credential_type: 'jwt', organisation: { id: orgId } });
    const { rows } = await h.db.query("SELECT actor_type, target_id, metadata FROM audit_events WHERE action = 'identity_link.created'");
    expect(rows).toEqual([{ actor_type: 'user', target_id: res.body.id, metadata: { issuer: idp.issuer, external_org_id: 'org_owner_links' } }]);
  });

  it('a provider organisation links to one organisation only: again (here or elsewhere) → 409, nothing added', async () => {
    await link(owner, { issuer: idp.issuer, external_org_id: 'org_once' }).expect(201);
    const again = await link(owner, { issuer: idp.issuer, external_org_id: 'org_once' }).expect(409);
    expect(again.body.code).toBe('CONFLICT');
    const otherOrg = (await createOrg(h.db)).id;
    const otherOwner = await signIn(h.api, await createUser(h.db, { orgId: otherOrg, role: 'owner' }));
    await link(otherOwner, { issuer: idp.issuer, external_org_id: 'org_once' }).expect(409);
    const { rows } = await h.db.query("SELECT org_id FROM identity_org_links WHERE external_org_id = 'org_once'");
    expect(rows).toEqual([{ org_id: orgId }]);
  });

  it('an admin → 403; an API key (not accepted here) → 401; a bad body → 400 naming the field', async () => {
    const admin = await signIn(h.api, await createUser(h.db, { orgId, role: 'admin' }));
    expect((await link(admin, { issuer: idp.issuer, external_org_id: 'org_x' }).expect(403)).body.code).toBe('FORBIDDEN');
    const { key: apiKey } = await createApiKey(h.db, { orgId, scopes: ['read:catalogue'] });
    await h.api.post('/api/v1/identity-links').set('X-API-Key', apiKey).send({ issuer: idp.issuer, external_org_id: 'org_x' }).expect(401);
    const bad = await link(owner, { issuer: idp.issuer }).expect(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_ERROR', error: expect.stringContaining('external_org_id') });
    const { rows } = await h.db.query("SELECT count(*)::int AS n FROM identity_org_links WHERE external_org_id = 'org_x'");
    expect(rows[0].n).toBe(0);
  });

  it('refuses a body that is not JSON (415) or over 100 kB (413) before anything is stored', async () => {
    await h.api.post('/api/v1/identity-links').set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf).set('Content-Type', 'text/plain').send('issuer=x').expect(415);
    await link(owner, { issuer: idp.issuer, external_org_id: 'x'.repeat(101 * 1024) }).expect(413);
    const { rows } = await h.db.query('SELECT count(*)::int AS n FROM identity_org_links WHERE org_id = $1 AND length(external_org_id) > 1000', [orgId]);
    expect(rows[0].n).toBe(0);
  });
});
