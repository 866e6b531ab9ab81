import { createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

describe('POST /api/v1/auth/login', () => {
  let h: Harness;
  let user: { id: string; email: string; password: string };
  let orgId: string;
  beforeAll(async () => {
    h = await startHarness();
    orgId = (await createOrg(h.db)).id;
    user = await createUser(h.db, { orgId, role: 'owner' });
  });
  afterAll(() => h.close());

  it('signs in: httpOnly SameSite=Lax cookie, CSRF token, user, organisation and role', async () => {
    const res = await h.api.post('/api/v1/auth/login').send({ email: user.email.toUpperCase(), password: user.password }).expect(200);
    const cookie = String(res.headers['set-cookie']![0]);
    expect(cookie).toMatch(/^aura_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    expect(res.body).toMatchObject({ user: { id: user.id, email: user.email }, organisation: { id: orgId }, role: 'owner', csrf_token: expect.any(String) });
    // Only the token's digest is stored.
    const token = cookie.split(';')[0].split('=')[1];
    const { rows } = await h.db.query('SELECT encode(token_hash, $2) AS h FROM sessions WHERE user_id = $1', [user.id, 'hex']);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('starts a new session, with a new id and token, at every sign-in', async () => {
    const a = await h.api.post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    const b = await h.api.post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect(a.headers['set-cookie']![0]).not.toEqual(b.headers['set-cookie']![0]);
    const { rows } = await h.db.query('SELECT count(DISTINCT id)::int AS n FROM sessions WHERE user_id = $1', [user.id]);
    expect(rows[0].n).toBeGreaterThanOrEqual(2);
  });

  it('answers an unknown email and a wrong password with the same 401', async () => {
    const unknown = await h.api.post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: 'x' }).expect(401);
    const wrong = await h.api.post('/api/v1/auth/login').send({ email: user.email, password: 'wrong' }).expect(401);
    expect(unknown.body.error).toBe(wrong.body.error);
    expect(unknown.body.code).toBe('UNAUTHORIZED');
  });

  it('refuses a missing field with 400 naming it', async () => {
    const res = await h.api.post('/api/v1/auth/login').send({ email: user.email }).expect(400);
    expect(res.body.details).toContainEqual({ loc: ['body', 'password'], msg: 'is required', type: 'required' });
    expect(res.body.error).toBe('password is required');
  });

  it('limits failed attempts per account: the 11th attempt in 15 minutes is 429, even with the right password', async () => {
    const victim = await createUser(h.db, { orgId });
    for (let i = 0; i < 10; i++) await h.api.post('/api/v1/auth/login').send({ email: victim.email, password: `guess-${i}` }).expect(401);
    const res = await h.api.post('/api/v1/auth/login').send({ email: victim.email, password: victim.password }).expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
    // Another account from the same address is not locked by it (the per-address limit is higher).
    await h.api.post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
  });
});
