import { createClient } from '../helpers/pos-factories';
import { createWebhookVia, deliveriesOf, startWorld, type World } from './support';

describe('PATCH /api/v1/webhooks/{id}', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w.h.close());
  const patch = (id: string, body: unknown, key = w.key) => w.h.api.patch(`/api/v1/webhooks/${id}`).set('X-API-Key', key).send(body as object);

  it('changes only the fields given, with an audit event', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/a', events: ['client.created'], description: 'before' });
    const res = await patch(webhook.id, { events: ['ticket.created', 'produit.created'], url: 'http://127.0.0.1:9/b' }).expect(200);
    expect(res.body).toMatchObject({ id: webhook.id, url: 'http://127.0.0.1:9/b', events: ['ticket.created', 'produit.created'], description: 'before', active: true });
    const desc = await patch(webhook.id, { description: '' }).expect(200);
    expect(desc.body).toMatchObject({ description: '', url: 'http://127.0.0.1:9/b' });
    const { rows } = await w.h.db.query(`SELECT metadata FROM audit_events WHERE target_id = $1 AND action = 'webhook.updated' ORDER BY created_at`, [webhook.id]);
    expect(rows[0].metadata).toMatchObject({ changed: ['events', 'url'], events: ['ticket.created', 'produit.created'] });
  });

  it('new events follow the new subscription list at once', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/a', events: ['ticket.created'] });
    await createClient(w.h.db, w.orgId);
    expect(await deliveriesOf(w.h.db, webhook.id)).toHaveLength(0);
    await patch(webhook.id, { events: ['client.created'] }).expect(200);
    await createClient(w.h.db, w.orgId);
    expect(await deliveriesOf(w.h.db, webhook.id)).toHaveLength(1);
  });

  it('switching off fails the pending deliveries; switching on clears what the system had set', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/a', events: ['client.created'] });
    await createClient(w.h.db, w.orgId);
    const off = await patch(webhook.id, { active: false }).expect(200);
    expect(off.body.active).toBe(false);
    const [d] = await deliveriesOf(w.h.db, webhook.id);
    expect(d).toMatchObject({ status: 'failed', next_attempt_at: null, last_error: 'not sent: the endpoint was switched off' });

    // As the system does after a 410 or 5 days of failures:
    await w.h.db.query(`UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = 'gone', failing_since = now() WHERE id = $1`, [webhook.id]);
    const on = await patch(webhook.id, { active: true }).expect(200);
    expect(on.body).toMatchObject({ active: true, disabled_at: null, disabled_reason: null, failing_since: null });
  });

  it.each([
    [{}, ['body'], 'minProperties'],
    [{ events: [] }, ['body', 'events'], 'minItems'],
    [{ active: 'yes' }, ['body', 'active'], 'type'],
    [{ secret: 'whsec_x' }, ['body', 'secret'], 'additionalProperties'],
  ])('refuses %j with a 400 naming %j', async (body, loc, type) => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/a' });
    const res = await patch(webhook.id, body).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc, type }));
  });

  it('checks a new URL like at creation', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/a' });
    const res = await patch(webhook.id, { url: 'http://10.0.0.8/hooks' }).expect(400);
    expect(res.body.details).toEqual([{ loc: ['body', 'url'], msg: 'must not point to a private address (10.0.0.8)', type: 'url' }]);
  });

  it('another organisation’s subscription is not found and unchanged', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/a', description: 'theirs' }, w.other.key);
    await patch(webhook.id, { description: 'mine now' }).expect(404);
    const theirs = await w.h.api.get(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.other.key).expect(200);
    expect(theirs.body.description).toBe('theirs');
  });

  it('refuses a body over 100 kB (413) and one that is not JSON (415)', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/a' });
    await patch(webhook.id, { description: 'x'.repeat(110_000) }).expect(413);
    await w.h.api.patch(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).set('Content-Type', 'text/plain').send('active=false').expect(415);
  });
});
