import { createClient } from '../helpers/pos-factories';
import { createWebhookVia, startWorld, type World } from './support';

describe('DELETE /api/v1/webhooks/{id}', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w.h.close());

  it('deletes the subscription and its pending deliveries, with an audit event', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/hooks', events: ['client.created'] });
    await createClient(w.h.db, w.orgId);
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [webhook.id])).rows[0].n).toBe(1);
    const res = await w.h.api.delete(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(204);
    expect(res.text).toBe('');
    await w.h.api.get(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(404);
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [webhook.id])).rows[0].n).toBe(0);
    const { rows } = await w.h.db.query(`SELECT action, actor_type FROM audit_events WHERE target_id = $1 ORDER BY created_at`, [webhook.id]);
    expect(rows.map((r) => r.action)).toEqual(['webhook.created', 'webhook.deleted']);
    // Nothing is published for it any more.
    await createClient(w.h.db, w.orgId);
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [webhook.id])).rows[0].n).toBe(0);
  });

  it('another organisation’s subscription is not found and stays', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/hooks' }, w.other.key);
    await w.h.api.delete(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(404);
    await w.h.api.get(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.other.key).expect(200);
  });

  it('a second delete is a 404', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/hooks' });
    await w.h.api.delete(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(204);
    await w.h.api.delete(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(404);
  });
});
