import { createApiKey, createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('POST /api/v1/api-keys/{id}/revoke', () => {
  let a: Harness;
  let b: Harness;
  let orgId: string;
  let owner: { cookie: string; csrf: string };
  beforeAll(async () => {
    a = await startHarness();
    // A second server instance on the same database.
    b = await startHarness({ database: a.database });
    orgId = (await createOrg(a.db)).id;
    owner = await signIn(a.api, await createUser(a.db, { orgId, role: 'owner' }));
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const revoke = (h: Harness, id: string) => h.api.post(`/api/v1/api-keys/${id}/revoke`).set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf);

  it('takes effect on the next request on every instance: revoked on A → 401 on B', async () => {
    const { id, key } = await createApiKey(a.db, { orgId, scopes: ['read:catalogue'] });
    await b.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);
    const res = await revoke(a, id).expect(200);
    expect(res.body).toMatchObject({ id, status: 'revoked', revoked_at: expect.any(String) });
    const after = await b.api.get('/api/v1/whoami').set('X-API-Key', key).expect(401);
    expect(after.body.error).toMatch(/revoked/);
    const { rows } = await a.db.query(`SELECT action FROM audit_events WHERE target_id = $1`, [id]);
    expect(rows).toEqual([{ action: 'api_key.revoked' }]);
  });

  it('is idempotent: revoking again answers the same and writes no second audit event', async () => {
    const { id } = await createApiKey(a.db, { orgId, scopes: [] });
    const first = await revoke(a, id).expect(200);
    const second = await revoke(b, id).expect(200);
    expect(second.body.revoked_at).toBe(first.body.revoked_at);
    const { rows } = await a.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE target_id = $1`, [id]);
    expect(rows[0].n).toBe(1);
  });

  it("treats another organisation's key as not found, and leaves it working", async () => {
    const other = await createOrg(a.db);
    const { id, key } = await createApiKey(a.db, { orgId: other.id, scopes: [] });
    const res = await revoke(a, id).expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
    await a.api.get('/api/v1/whoami').set('X-API-Key', key).expect(200);
  });

  it('refuses a malformed id with 400 naming it', async () => {
    const res = await revoke(a, 'not-a-uuid').expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  });
});
