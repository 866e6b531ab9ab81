import { modules } from '../../handlers';
import { ensureDemo } from '../../handlers/access/demo';
import { startHarness, type Harness } from '../helpers/harness';

describe('demo bootstrap', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('creates the demo organisation once, with an owner who can sign in and a working key with every read scope', async () => {
    const [a, b] = await Promise.all([ensureDemo(h.db, modules, 'demo password 1'), ensureDemo(h.db, modules, 'demo password 1')]);
    const created = [a, b].filter((d) => d.created);
    expect(created).toHaveLength(1); // two instances booting at once seed it once
    const demo = created[0] as Extract<typeof a, { created: true }>;
    const who = await h.api.get('/api/v1/whoami').set('X-API-Key', demo.key).expect(200);
    expect(who.body.organisation).toMatchObject({ slug: 'demo', edition: 'group' });
    expect(who.body.scopes).toEqual([
      'projects:read', 'connections:read', 'connections:write', 'runs:read', 'patches:read', 'patches:write', 'patches:execute', 'approvals:read', // ops (seed 002): the demo project's connection and patch
      'read:team', 'read:leads', 'read:calls', 'read:booking_links', 'read:products', 'read:payments', // partner (seed 001)
      'read:catalogue', 'read:clients', 'read:tickets', 'read:promotions', // pos (seed 000)
    ]);
    // Seed 001's first request, with the printed key.
    await h.api.get('/api/v1/leads').set('Authorization', `Bearer ${demo.key}`).expect(200);
    await h.api.post('/api/v1/auth/login').send({ email: 'owner@demo.test', password: 'demo password 1' }).expect(200);
    expect((await ensureDemo(h.db, modules)).created).toBe(false);
  });

  it("records the demo key's creation as the owner's act, as the key list says (one truth, not \"the system\")", async () => {
    const login = await h.api.post('/api/v1/auth/login').send({ email: 'owner@demo.test', password: 'demo password 1' }).expect(200);
    const cookie = String(login.headers['set-cookie']![0]).split(';')[0];
    const me = await h.api.get('/api/v1/whoami').set('Cookie', cookie).expect(200);
    const keys = await h.api.get('/api/v1/api-keys').set('Cookie', cookie).expect(200);
    const demoKey = keys.body.items.find((k: { name: string }) => k.name === 'Demo key (all read scopes)');
    expect(demoKey.created_by).toBe(me.body.user.id);
    const audit = await h.api.get('/api/v1/audit-events?action=api_key.created').set('Cookie', cookie).expect(200);
    expect(audit.body.items).toEqual([expect.objectContaining({ actor_type: 'user', actor_id: demoKey.created_by, target_id: demoKey.id })]);
  });
});
