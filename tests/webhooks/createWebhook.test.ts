import { createUser, signIn } from '../helpers/factories';
import { createWebhookVia, useWorldAndReceiver, type Receiver, type World } from './support';

describe('POST /api/v1/webhooks', () => {
  let w: World;
  let receiver: Receiver;
  useWorldAndReceiver((s) => ({ w, receiver } = s));
  const post = (body: unknown, key = w.key) => w.h.api.post('/api/v1/webhooks').set('X-API-Key', key).send(body as object);

  it('creates a subscription and shows its signing secret once', async () => {
    const res = await post({ url: receiver.url, events: ['ticket.created', 'client.updated'], description: 'ERP' }).expect(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.body.webhook).toMatchObject({
      url: receiver.url,
      events: ['ticket.created', 'client.updated'],
      description: 'ERP',
      active: true,
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
      previous_secret_expires_at: null,
    });
    const got = await w.h.api.get(`/api/v1/webhooks/${res.body.webhook.id}`).set('X-API-Key', w.key).expect(200);
    expect(got.body).toEqual(res.body.webhook);
    expect(JSON.stringify(got.body)).not.toContain(res.body.secret);
  });

  it('stores the secret encrypted: neither it nor its key bytes are anywhere in the row', async () => {
    const { webhook, secret } = await createWebhookVia(w, { url: receiver.url });
    const { rows } = await w.h.db.query('SELECT to_jsonb(e)::text AS row, encode(secret_encrypted, $2) AS hex FROM webhook_endpoints e WHERE id = $1', [webhook.id, 'hex']);
    const keyBytes = Buffer.from(secret.slice('whsec_'.length), 'base64');
    expect(rows[0].row).not.toContain(secret.slice('whsec_'.length));
    expect(rows[0].hex).not.toContain(keyBytes.toString('hex'));
    expect(rows[0].hex).not.toContain(Buffer.from(secret).toString('hex'));
  });

  it('writes a webhook.created audit event naming the key, the host and the events', async () => {
    const { webhook } = await createWebhookVia(w, { url: `${receiver.url}?token=receiver-own-token`, events: ['produit.updated'] });
    const { rows } = await w.h.db.query(`SELECT * FROM audit_events WHERE target_id = $1`, [webhook.id]);
    expect(rows).toEqual([expect.objectContaining({ action: 'webhook.created', actor_type: 'api_key', target_type: 'webhook', metadata: { host: `127.0.0.1:${receiver.port}`, events: ['produit.updated'] } })]);
    expect(JSON.stringify(rows)).not.toContain('receiver-own-token');
  });

  it('defaults: active, empty description; can be created switched off', async () => {
    const on = await post({ url: receiver.url, events: ['client.created'] }).expect(201);
    expect(on.body.webhook).toMatchObject({ active: true, description: '' });
    const off = await post({ url: receiver.url, events: ['client.created'], active: false }).expect(201);
    expect(off.body.webhook.active).toBe(false);
  });

  it('stores the URL as the parser normalises it', async () => {
    const res = await post({ url: `HTTP://127.0.0.1:${receiver.port}/a/../hooks`, events: ['client.created'] }).expect(201);
    expect(res.body.webhook.url).toBe(`http://127.0.0.1:${receiver.port}/hooks`);
  });

  it.each([
    [{ events: ['client.created'] }, ['body', 'url'], 'required'],
    [{ url: 'https://a.example/h' }, ['body', 'events'], 'required'],
    [{ url: 'https://a.example/h', events: [] }, ['body', 'events'], 'minItems'],
    [{ url: 'https://a.example/h', events: ['client.deleted'] }, ['body', 'events', 0], 'enum'],
    [{ url: 'https://a.example/h', events: ['webhook.test'] }, ['body', 'events', 0], 'enum'],
    [{ url: 'https://a.example/h', events: ['client.created', 'client.created'] }, ['body', 'events'], 'uniqueItems'],
    [{ url: 'https://a.example/h', events: ['client.created'], secret: 'mine' }, ['body', 'secret'], 'additionalProperties'],
    [{ url: 'https://a.example/h', events: ['client.created'], description: 'x'.repeat(1001) }, ['body', 'description'], 'maxLength'],
    [{ url: `https://a.example/${'x'.repeat(2048)}`, events: ['client.created'] }, ['body', 'url'], 'maxLength'],
  ])('refuses %j with a 400 naming %j', async (body, loc, type) => {
    const res = await post(body).expect(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc, type }));
  });

  it('refuses a 21st subscription with 409', async () => {
    const org = await w.h.db.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE org_id = $1`, [w.orgId]);
    for (let i = org.rows[0].n; i < 20; i++) await createWebhookVia(w, { url: receiver.url });
    const res = await post({ url: receiver.url, events: ['client.created'] }).expect(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', error: expect.stringMatching(/at most 20/) });
    // The other organisation is not affected.
    await post({ url: receiver.url, events: ['client.created'] }, w.other.key).expect(201);
  });

  it('refuses a body over 100 kB (413) and one that is not JSON (415)', async () => {
    await post({ url: receiver.url, events: ['client.created'], description: 'x'.repeat(110_000) }).expect(413);
    const res = await w.h.api.post('/api/v1/webhooks').set('X-API-Key', w.key).set('Content-Type', 'text/plain').send('url=https://a.example').expect(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('an admin session may create (with its CSRF token)', async () => {
    const { rows } = await w.h.db.query(`SELECT id FROM webhook_endpoints WHERE org_id = $1 LIMIT 1`, [w.orgId]);
    await w.h.db.query('DELETE FROM webhook_endpoints WHERE id = $1', [rows[0].id]); // room under the cap
    const s = await signIn(w.h.api, await createUser(w.h.db, { orgId: w.orgId, role: 'admin' }));
    await w.h.api.post('/api/v1/webhooks').set('Cookie', s.cookie).send({ url: receiver.url, events: ['client.created'] }).expect(403);
    const res = await w.h.api.post('/api/v1/webhooks').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send({ url: receiver.url, events: ['client.created'] }).expect(201);
    const { rows: audit } = await w.h.db.query(`SELECT actor_type FROM audit_events WHERE target_id = $1`, [res.body.webhook.id]);
    expect(audit).toEqual([{ actor_type: 'user' }]);
  });
});
