import { createWebhookVia, startWorld, type World } from './support';

describe('GET /api/v1/webhooks/{id}', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w.h.close());

  it('answers the subscription, never its secret', async () => {
    const { webhook, secret } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/hooks', events: ['ticket.created'] });
    const res = await w.h.api.get(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(200);
    expect(res.body).toEqual(webhook);
    expect(res.text).not.toContain(secret);
  });

  it('another organisation’s id is not found (404), like an unknown one', async () => {
    const { webhook } = await createWebhookVia(w, { url: 'http://127.0.0.1:9/hooks' }, w.other.key);
    const foreign = await w.h.api.get(`/api/v1/webhooks/${webhook.id}`).set('X-API-Key', w.key).expect(404);
    const unknown = await w.h.api.get('/api/v1/webhooks/6f1d2c3b-4a59-4e68-9d7c-8b9a0f1e2d3c').set('X-API-Key', w.key).expect(404);
    expect(foreign.body.error).toBe(unknown.body.error);
    expect(foreign.body.code).toBe('NOT_FOUND');
  });

  it('a malformed id is a 400 naming it', async () => {
    const res = await w.h.api.get('/api/v1/webhooks/not-a-uuid').set('X-API-Key', w.key).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  });
});
