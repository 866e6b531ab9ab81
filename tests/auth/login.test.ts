import { createOrg, createUser, signIn } from '../helpers/factories';
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

describe('POST /api/v1/auth/login under concurrent guessing', () => {
  let h: Harness;
  let now = new Date('2026-05-12T10:00:00Z');
  let orgId: string;
  beforeAll(async () => {
    h = await startHarness({ clock: () => now });
    orgId = (await createOrg(h.db)).id;
  });
  afterAll(() => h.close());

  it('lets at most 10 wrong passwords per account reach the check, even 40 at once; then even the right one waits', async () => {
    const victim = await createUser(h.db, { orgId });
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => h.api.post('/api/v1/auth/login').send({ email: victim.email, password: `guess-${i}` })),
    );
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    for (const r of guesses.filter((g) => g.status === 429)) {
      expect(r.body.code).toBe('RATE_LIMITED');
      expect(Number(r.headers['retry-after'])).toBe(15 * 60);
    }
    // Exactly the ten checked guesses are on record.
    const { rows } = await h.db.query('SELECT count(*)::int AS n FROM login_failures WHERE email = $1', [victim.email]);
    expect(rows[0].n).toBe(10);

    now = new Date(now.getTime() + 14 * 60_000);
    const early = await h.api.post('/api/v1/auth/login').send({ email: victim.email, password: victim.password }).expect(429);
    expect(Number(early.headers['retry-after'])).toBe(60);

    now = new Date(now.getTime() + 60_000 + 1);
    await h.api.post('/api/v1/auth/login').send({ email: victim.email, password: victim.password }).expect(200);
  });

  it('records a failed sign-in in the account\'s organisations, with the address and without the password', async () => {
    const other = (await createOrg(h.db)).id;
    const member = await createUser(h.db, { orgId });
    await h.db.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'member')`, [other, member.id]);
    const owner = await createUser(h.db, { orgId, role: 'owner' });

    await h.api.post('/api/v1/auth/login').send({ email: member.email.toUpperCase(), password: 'not-it-1234' }).expect(401);
    // An unknown email has no organisation: nothing is recorded anywhere.
    const before = await h.db.query('SELECT count(*)::int AS n FROM audit_events');
    await h.api.post('/api/v1/auth/login').send({ email: 'nobody-here@example.test', password: 'not-it-1234' }).expect(401);
    const after = await h.db.query('SELECT count(*)::int AS n FROM audit_events');
    expect(after.rows[0].n).toBe(before.rows[0].n);

    const { rows } = await h.db.query(
      `SELECT org_id, actor_type, actor_id, target_type, target_id, host(ip) AS ip, metadata FROM audit_events
        WHERE action = 'auth.login_failed' AND target_id = $1`,
      [member.id],
    );
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.org_id).sort()).toEqual([orgId, other].sort());
    for (const r of rows) {
      expect(r).toMatchObject({ actor_type: 'system', actor_id: null, target_type: 'user', target_id: member.id, ip: '127.0.0.1', metadata: { email: member.email } });
    }
    expect(JSON.stringify(rows)).not.toContain('not-it-1234');

    // An owner reads it through the API.
    const session = await signIn(h.api, owner);
    const res = await h.api.get('/api/v1/audit-events?action=auth.login_failed').set('Cookie', session.cookie).expect(200);
    expect(res.body.items.filter((e: { target_id: string }) => e.target_id === member.id)).toEqual([
      expect.objectContaining({ action: 'auth.login_failed', actor_type: 'system', target_type: 'user', ip: '127.0.0.1', metadata: { email: member.email } }),
    ]);
  });

  it('records a failed sign-in only in the organisation it named, when the account belongs to it', async () => {
    const other = await createOrg(h.db);
    const member = await createUser(h.db, { orgId });
    await h.db.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'member')`, [other.id, member.id]);
    await h.api.post('/api/v1/auth/login').send({ email: member.email, password: 'wrong-one-5678', organisation: other.slug }).expect(401);
    const { rows } = await h.db.query(`SELECT org_id FROM audit_events WHERE action = 'auth.login_failed' AND target_id = $1`, [member.id]);
    expect(rows).toEqual([{ org_id: other.id }]);
  });
});
