// A subscription carries only what its maker may read: each event type's `x-required-scope`
// (client.* → read:clients, ticket.* → read:tickets…) is needed to list it, or to send its events
// to another URL. Without it a `webhooks:write` key would receive customer data it cannot GET.
import { createApiKey, createUser, signIn } from '../helpers/factories';
import { createWebhookVia, useWorldAndReceiver, type Receiver, type World } from './support';

describe('webhook subscriptions need the read scope of each event', () => {
  let w: World;
  let receiver: Receiver;
  useWorldAndReceiver((s) => ({ w, receiver } = s));

  const keyWith = async (...scopes: string[]) => (await createApiKey(w.h.db, { orgId: w.orgId, scopes })).key;
  const endpoints = async () => (await w.h.db.query('SELECT id, url, events FROM webhook_endpoints WHERE org_id = $1 ORDER BY created_at, id', [w.orgId])).rows;
  const audits = async (action: string) => (await w.h.db.query('SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1 AND action = $2', [w.orgId, action])).rows[0].n;

  beforeEach(async () => {
    await w.h.db.query('DELETE FROM webhook_endpoints WHERE org_id = $1', [w.orgId]);
  });

  it('a webhooks:write key without read:clients cannot subscribe to client.created: 403 naming the scope and the event, nothing stored', async () => {
    const key = await keyWith('webhooks:write');
    const auditsBefore = await audits('webhook.created');
    const res = await w.h.api.post('/api/v1/webhooks').set('X-API-Key', key).send({ url: receiver.url, events: ['client.created'] }).expect(403);
    expect(res.body).toMatchObject({
      success: false,
      code: 'INSUFFICIENT_SCOPE',
      error: expect.stringMatching(/read:clients.*client\.created/),
      details: [{ loc: ['body', 'events', 0], msg: 'client.created needs the scope read:clients', type: 'scope' }],
    });
    expect(await endpoints()).toEqual([]);
    expect(await audits('webhook.created')).toBe(auditsBefore);
  });

  it('the same key with read:clients subscribes (201)', async () => {
    const key = await keyWith('webhooks:write', 'read:clients');
    const res = await w.h.api.post('/api/v1/webhooks').set('X-API-Key', key).send({ url: receiver.url, events: ['client.created', 'client.updated'] }).expect(201);
    expect(res.body.webhook.events).toEqual(['client.created', 'client.updated']);
    expect(await endpoints()).toHaveLength(1);
  });

  it('names only the events whose scope is missing', async () => {
    const key = await keyWith('webhooks:write', 'read:clients', 'read:catalogue');
    const res = await w.h.api
      .post('/api/v1/webhooks')
      .set('X-API-Key', key)
      .send({ url: receiver.url, events: ['client.created', 'ticket.created', 'produit.updated', 'promotion.created'] })
      .expect(403);
    expect(res.body.code).toBe('INSUFFICIENT_SCOPE');
    expect(res.body.details.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ['body', 'events', 1],
      ['body', 'events', 3],
    ]);
    expect(res.body.error).toContain('read:tickets (for ticket.created)');
    expect(res.body.error).toContain('read:promotions (for promotion.created)');
    expect(await endpoints()).toEqual([]);
  });

  it('an update adding an event the key may not read is refused (403) and changes nothing', async () => {
    const key = await keyWith('webhooks:write', 'read:catalogue');
    const { webhook } = await createWebhookVia(w, { url: receiver.url, events: ['produit.created'] }, key);
    const res = await w.h.api.patch(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', key).send({ events: ['produit.created', 'client.updated'] }).expect(403);
    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', details: [{ loc: ['body', 'events', 1], msg: 'client.updated needs the scope read:clients' }] });
    expect((await endpoints()).map((e) => e.events)).toEqual([['produit.created']]);
    // Events it may read are fine.
    await w.h.api.patch(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', key).send({ events: ['produit.updated'] }).expect(200);
  });

  it("moving a subscription's URL needs the scopes of the events it carries; its description and switch do not", async () => {
    const owner = await signIn(w.h.api, await createUser(w.h.db, { orgId: w.orgId, role: 'owner' }));
    const created = await w.h.api.post('/api/v1/webhooks').set('Cookie', owner.cookie).set('X-CSRF-Token', owner.csrf).send({ url: receiver.url, events: ['client.updated'] }).expect(201);
    const id = created.body.webhook.id as string;
    const key = await keyWith('webhooks:write');
    const moved = await w.h.api.patch(`/api/v1/webhooks/${id}`).set('X-API-Key', key).send({ url: `${receiver.url}/elsewhere` }).expect(403);
    expect(moved.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', details: [{ loc: ['body', 'url'], msg: 'client.updated needs the scope read:clients' }] });
    expect((await endpoints())[0].url).toBe(receiver.url);
    await w.h.api.patch(`/api/v1/webhooks/${id}`).set('X-API-Key', key).send({ description: 'ERP', active: false }).expect(200);
  });

  it('owner and admin sessions may subscribe to any event; members may not manage webhooks at all (403 FORBIDDEN, as the spec says)', async () => {
    for (const role of ['owner', 'admin'] as const) {
      const s = await signIn(w.h.api, await createUser(w.h.db, { orgId: w.orgId, role }));
      await w.h.api
        .post('/api/v1/webhooks')
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf)
        .send({ url: receiver.url, events: ['client.created', 'ticket.created', 'produit.created', 'promotion.updated'] })
        .expect(201);
    }
    const member = await signIn(w.h.api, await createUser(w.h.db, { orgId: w.orgId, role: 'member' }));
    const res = await w.h.api.post('/api/v1/webhooks').set('Cookie', member.cookie).set('X-CSRF-Token', member.csrf).send({ url: receiver.url, events: ['produit.created'] }).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await endpoints()).toHaveLength(2);
  });
});
