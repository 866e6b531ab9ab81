import { createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('POST /api/v1/auth/logout', () => {
  let h: Harness;
  let user: { email: string; password: string };
  beforeAll(async () => {
    h = await startHarness();
    user = await createUser(h.db, { orgId: (await createOrg(h.db)).id });
  });
  afterAll(() => h.close());

  it('ends the session server-side and clears the cookie', async () => {
    const s = await signIn(h.api, user);
    const res = await h.api.post('/api/v1/auth/logout').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).expect(204);
    expect(String(res.headers['set-cookie']![0])).toMatch(/^aura_session=; .*Max-Age=0/);
    // The old cookie is worthless now.
    await h.api.get('/api/v1/auth/me').set('Cookie', s.cookie).expect(401);
  });

  it('needs the CSRF token: missing or wrong → 403 CSRF_FAILED, and the session lives on', async () => {
    const s = await signIn(h.api, user);
    const missing = await h.api.post('/api/v1/auth/logout').set('Cookie', s.cookie).expect(403);
    expect(missing.body.code).toBe('CSRF_FAILED');
    const wrong = await h.api.post('/api/v1/auth/logout').set('Cookie', s.cookie).set('X-CSRF-Token', `${s.csrf.slice(1)}x`).expect(403);
    expect(wrong.body.code).toBe('CSRF_FAILED');
    await h.api.get('/api/v1/auth/me').set('Cookie', s.cookie).expect(200);
  });
});
