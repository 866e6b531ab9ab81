import { createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('GET /api/v1/audit-events', () => {
  let h: Harness;
  let orgId: string;
  let owner: { cookie: string; csrf: string };
  beforeAll(async () => {
    h = await startHarness();
    orgId = (await createOrg(h.db)).id;
    owner = await signIn(h.api, await createUser(h.db, { orgId, role: 'owner' }));
  });
  afterAll(() => h.close());

  it('lists what happened, newest first, filtered by action, actor type and time; never another organisation’s', async () => {
    const created = await h.api.post('/api/v1/api-keys').set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf).send({ name: 'audited', scopes: ['read:catalogue'] }).expect(201);
    await h.api.post(`/api/v1/api-keys/${created.body.api_key.id}/revoke`).set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf).expect(200);
    const other = await createOrg(h.db);
    await h.db.query(`INSERT INTO audit_events (org_id, actor_type, action) VALUES ($1, 'system', 'api_key.created')`, [other.id]);

    const all = await h.api.get('/api/v1/audit-events').set('Cookie', owner.cookie).expect(200);
    expect(all.body.items.map((e: { action: string }) => e.action)).toEqual(['api_key.revoked', 'api_key.created', 'auth.login']);
    const filtered = await h.api.get('/api/v1/audit-events?action=api_key.created&actor_type=user').set('Cookie', owner.cookie).expect(200);
    expect(filtered.body).toMatchObject({ total: 1, items: [{ action: 'api_key.created', target_id: created.body.api_key.id, ip: '127.0.0.1' }] });
    const future = await h.api.get('/api/v1/audit-events?since=2999-01-01T00:00:00Z').set('Cookie', owner.cookie).expect(200);
    expect(future.body.total).toBe(0);
  });

  it('refuses a malformed date with 400 naming it', async () => {
    const res = await h.api.get('/api/v1/audit-events?since=yesterday').set('Cookie', owner.cookie).expect(400);
    expect(res.body.details[0].loc).toEqual(['query', 'since']);
  });
});
