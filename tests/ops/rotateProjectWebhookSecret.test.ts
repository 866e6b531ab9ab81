import { createApiKey } from '../helpers/factories';
import { createProjectKey } from '../helpers/ops-factories';
import { manualClock, verifySignature } from '../webhooks/support';
import { createProjectWebhookVia, insertOrgWebhook, useProjectWorld, webhooksPath, type ProjectWorld } from './project-webhook-support';

const DAY_MS = 24 * 3600 * 1000;

describe('POST /api/v1/projects/{project_id}/webhooks/{id}/rotate-secret', () => {
  const clock = manualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  let w: ProjectWorld;
  useProjectWorld((x) => (w = x), { clock });
  const rotatePath = (id: string, projectId = w.projectId) => `${webhooksPath(projectId)}/${id}/rotate-secret`;
  const rotate = (id: string, projectId = w.projectId, key = w.key) => w.h.api.post(rotatePath(id, projectId)).set('X-API-Key', key);
  const sendTest = (id: string) => w.h.api.post(`${webhooksPath(w.projectId)}/${id}/test`).set('X-API-Key', w.key).expect(200);
  /** What a rotation changes: the stored secrets, and the audit trail. */
  const secretsOf = async (id: string) =>
    (await w.h.db.query('SELECT secret_encrypted, previous_secret_encrypted, previous_secret_expires_at FROM webhook_endpoints WHERE id = $1', [id])).rows[0];
  const rotationsOf = async (id: string) => (await w.h.db.query(`SELECT org_id, metadata FROM audit_events WHERE target_id = $1 AND action = 'webhook.secret_rotated'`, [id])).rows;

  it('rotating twice keeps only the latest two secrets', async () => {
    const { webhook, secret: first } = await createProjectWebhookVia(w);
    const second = (await rotate(webhook.id).expect(200)).body.secret;
    const third = (await rotate(webhook.id).expect(200)).body.secret;
    await sendTest(webhook.id);
    const r = w.receiver.received.at(-1)!;
    expect(() => verifySignature(third, r, clock().getTime())).not.toThrow();
    expect(() => verifySignature(second, r, clock().getTime())).not.toThrow();
    expect(() => verifySignature(first, r, clock().getTime())).toThrow();
  });

  it('writes a webhook.secret_rotated audit event naming the project, without the secret', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    const res = await rotate(webhook.id).expect(200);
    const rows = await rotationsOf(webhook.id);
    expect(rows).toEqual([{ org_id: w.orgId, metadata: { previous_secret_expires_at: res.body.previous_secret_expires_at, project_id: w.projectId } }]);
    const { rows: all } = await w.h.db.query(`SELECT * FROM audit_events WHERE target_id = $1`, [webhook.id]);
    expect(JSON.stringify(all)).not.toContain(res.body.secret.slice(6));
  });

  it("isolation: another project's endpoint, an organisation-level one, another organisation's project → 404, secrets unchanged", async () => {
    const mine = await createProjectWebhookVia(w);
    const elsewhere = await createProjectWebhookVia(w, {}, w.otherProjectId);
    const orgLevel = await insertOrgWebhook(w.h.db, w.orgId, w.receiver.url);
    const unchanged = await Promise.all([mine.webhook.id, elsewhere.webhook.id, orgLevel].map(secretsOf));

    expect((await rotate(elsewhere.webhook.id).expect(404)).body.code).toBe('NOT_FOUND');
    await rotate(orgLevel).expect(404); // an organisation-level endpoint under a project path
    await rotate(mine.webhook.id, w.otherProjectId).expect(404); // this project's, under the other project
    await rotate(mine.webhook.id, w.other.projectId).expect(404); // another organisation's project
    await rotate(mine.webhook.id, w.projectId, w.other.key).expect(404); // another organisation's key
    await rotate('8a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b').expect(404);
    // …and the organisation's API does not rotate a project's subscription.
    const s = w.sessions.orgOwner;
    await w.h.api.post(`/api/v1/webhooks/${mine.webhook.id}/rotate-secret`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).expect(404);

    expect(await Promise.all([mine.webhook.id, elsewhere.webhook.id, orgLevel].map(secretsOf))).toEqual(unchanged);
    for (const id of [mine.webhook.id, elsewhere.webhook.id, orgLevel]) expect(await rotationsOf(id)).toEqual([]);
    const bad = await rotate('nope').expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  });

  it('a key bound to another project → 404 (the API issues no such key with webhooks scopes; the binding still holds)', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    const before = await secretsOf(webhook.id);
    const boundElsewhere = await createProjectKey(w.h.db, { orgId: w.orgId, projectId: w.otherProjectId, scopes: ['webhooks:write'] });
    await rotate(webhook.id, w.projectId, boundElsewhere.key).expect(404);
    expect(await secretsOf(webhook.id)).toEqual(before);
    const bound = await createProjectKey(w.h.db, { orgId: w.orgId, projectId: w.projectId, scopes: ['webhooks:write'] });
    await rotate(webhook.id, w.projectId, bound.key).expect(200);
  });

  it('role matrix: developers and viewers 403, no role 404, project admins and owners may; a read-only key 403; no credential 401', async () => {
    const { webhook } = await createProjectWebhookVia(w);
    const before = await secretsOf(webhook.id);
    const as = (who: keyof ProjectWorld['sessions']) => w.h.api.post(rotatePath(webhook.id)).set('Cookie', w.sessions[who].cookie).set('X-CSRF-Token', w.sessions[who].csrf);
    expect((await rotate(webhook.id, w.projectId, w.readOnlyKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['webhooks:read', 'runs:read'] });
    await rotate(webhook.id, w.projectId, key).expect(403);
    for (const who of ['developer', 'viewer'] as const) expect((await as(who).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await as('outsider').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await w.h.api.post(rotatePath(webhook.id)).expect(401)).body.code).toBe('UNAUTHORIZED');
    expect(await secretsOf(webhook.id)).toEqual(before);
    expect(await rotationsOf(webhook.id)).toEqual([]);
    for (const who of ['admin', 'owner', 'orgAdmin'] as const) expect((await as(who).expect(200)).body.secret).toMatch(/^whsec_/);
    expect(await rotationsOf(webhook.id)).toHaveLength(3);
  });

  // Last: it moves the clock a day on, past the console sessions' expiry.
  it('signs with the new and the previous secret for 24 hours, then with the new one only', async () => {
    const { webhook, secret: old } = await createProjectWebhookVia(w);
    const before = await secretsOf(webhook.id);
    const res = await rotate(webhook.id).expect(200);
    const fresh = res.body.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(res.body.previous_secret_expires_at).toBe(new Date(clock().getTime() + DAY_MS).toISOString());
    // The old ciphertext moved aside, a new one in its place, the expiry stored.
    const after = await secretsOf(webhook.id);
    expect(after.previous_secret_encrypted).toEqual(before.secret_encrypted);
    expect(after.secret_encrypted).not.toEqual(before.secret_encrypted);
    expect(after.previous_secret_expires_at.toISOString()).toBe(res.body.previous_secret_expires_at);
    const got = await w.h.api.get(`${webhooksPath(w.projectId)}/${webhook.id}`).set('X-API-Key', w.key).expect(200);
    expect(got.body.previous_secret_expires_at).toBe(res.body.previous_secret_expires_at);
    expect(JSON.stringify(got.body)).not.toContain(fresh);

    await sendTest(webhook.id);
    let r = w.receiver.received.at(-1)!;
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(2);
    // A receiver on either secret accepts it (standardwebhooks tries each signature).
    expect(() => verifySignature(fresh, r, clock().getTime())).not.toThrow();
    expect(() => verifySignature(old, r, clock().getTime())).not.toThrow();

    clock.advance(DAY_MS);
    await sendTest(webhook.id);
    r = w.receiver.received.at(-1)!;
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => verifySignature(fresh, r, clock().getTime())).not.toThrow();
    expect(() => verifySignature(old, r, clock().getTime())).toThrow(/No matching signature/);
    const later = await w.h.api.get(`${webhooksPath(w.projectId)}/${webhook.id}`).set('X-API-Key', w.key).expect(200);
    expect(later.body.previous_secret_expires_at).toBeNull();
  });
});
