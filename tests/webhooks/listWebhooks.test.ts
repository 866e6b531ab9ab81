import { createUser, signIn } from '../helpers/factories';
import { createWebhookVia, useWorldAndReceiver, type Receiver, type World } from './support';

describe('GET /api/v1/webhooks', () => {
  let w: World;
  let receiver: Receiver;
  useWorldAndReceiver((s) => ({ w, receiver } = s));

  it('lists nothing at first', async () => {
    const res = await w.h.api.get('/api/v1/webhooks').set('X-API-Key', w.key).expect(200);
    expect(res.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    expect(res.headers['x-ratelimit-limit']).toBeDefined();
  });

  it('lists the organisation’s subscriptions newest first, paginated, without secrets or foreign rows', async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createWebhookVia(w, { url: `${receiver.url}/${i}`, description: `n${i}` }));
    await createWebhookVia(w, { url: receiver.url }, w.other.key);
    // Same created_at for two of them: the order is still stable (then id, descending).
    await w.h.db.query('UPDATE webhook_endpoints SET created_at = $1 WHERE id = ANY($2)', [new Date('2026-05-01T10:00:00Z'), [created[0].webhook.id, created[1].webhook.id]]);

    const all = await w.h.api.get('/api/v1/webhooks').set('X-API-Key', w.key).expect(200);
    expect(all.body.total).toBe(3);
    const tied = [created[0].webhook.id, created[1].webhook.id].sort().reverse();
    expect(all.body.items.map((x: { id: string }) => x.id)).toEqual([created[2].webhook.id, ...tied]);
    expect(JSON.stringify(all.body)).not.toMatch(/whsec_|secret_encrypted/);

    const page = await w.h.api.get('/api/v1/webhooks?limit=1&offset=1').set('X-API-Key', w.key).expect(200);
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ id: tied[0] }] });
    const past = await w.h.api.get('/api/v1/webhooks?offset=10').set('X-API-Key', w.key).expect(200);
    expect(past.body).toMatchObject({ items: [], total: 3 });
  });

  it('refuses an out-of-range limit with a 400 naming it', async () => {
    const res = await w.h.api.get('/api/v1/webhooks?limit=201').set('X-API-Key', w.key).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'limit'] }));
  });

  it('owners and admins of the console may list; members may not', async () => {
    for (const role of ['owner', 'admin'] as const) {
      const s = await signIn(w.h.api, await createUser(w.h.db, { orgId: w.orgId, role }));
      const res = await w.h.api.get('/api/v1/webhooks').set('Cookie', s.cookie).expect(200);
      expect(res.body.total).toBe(3);
    }
    const member = await signIn(w.h.api, await createUser(w.h.db, { orgId: w.orgId, role: 'member' }));
    const res = await w.h.api.get('/api/v1/webhooks').set('Cookie', member.cookie).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });
});
