import { createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('GET /api/v1/auth/me', () => {
  let h: Harness;
  let now = new Date('2026-05-10T10:00:00Z');
  beforeAll(async () => {
    h = await startHarness({ clock: () => now });
  });
  afterAll(() => h.close());

  it('shows the user, the organisation of the session and every membership', async () => {
    const a = await createOrg(h.db, { name: 'A' });
    const b = await createOrg(h.db, { name: 'B' });
    const user = await createUser(h.db, { orgId: a.id, role: 'admin' });
    await h.db.query(`INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'member', now() + interval '1 second')`, [b.id, user.id]);
    const s = await signIn(h.api, user);
    const res = await h.api.get('/api/v1/auth/me').set('Cookie', s.cookie).expect(200);
    expect(res.body.organisation.id).toBe(a.id);
    expect(res.body.role).toBe('admin');
    expect(res.body.memberships.map((m: { organisation: { id: string }; role: string }) => [m.organisation.id, m.role])).toEqual([
      [a.id, 'admin'],
      [b.id, 'member'],
    ]);
  });

  it('refuses an expired session with 401', async () => {
    const user = await createUser(h.db, { orgId: (await createOrg(h.db)).id });
    const s = await signIn(h.api, user);
    now = new Date(now.getTime() + 13 * 3_600_000);
    await h.api.get('/api/v1/auth/me').set('Cookie', s.cookie).expect(401);
  });
});
