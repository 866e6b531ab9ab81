// POST /api/v1/approvals/{id}/cancel: the requester (the same session, or the same key) withdraws a
// pending request, or a project admin/owner clears it; the patch goes back to draft and the next
// execute opens a new request. Anyone else who sees it: 403; out of reach: 404; not pending: 409.
import { createApiKey } from '../helpers/factories';
import { asSession } from './patches-support';
import { gate, keyPrincipal, openRequest, patchStatus, requestRow, startApprovalWorld, subjectOf, type ApprovalWorld, type Person } from './approvals-support';

let w: ApprovalWorld;
beforeAll(async () => {
  w = await startApprovalWorld();
});
afterAll(() => w.close());

const cancelAs = (id: string, who: Person) => asSession(w.h.api.post(`/api/v1/approvals/${id}/cancel`), who.session);
const cancelWithKey = (id: string, key: string) => w.h.api.post(`/api/v1/approvals/${id}/cancel`).set('X-API-Key', key);
const audits = async (id: string) =>
  (await w.h.db.query(`SELECT actor_type, actor_id, metadata FROM audit_events WHERE action = 'approval.cancelled' AND target_id = $1`, [id])).rows;

it('the requester withdraws it: cancelled, the patch back to draft, audited; the next attempt opens a new request', async () => {
  const { patch, approvalId } = await openRequest(w);
  expect(await patchStatus(w, patch.id)).toBe('pending_approval');
  const res = await cancelAs(approvalId, w.dev).expect(200);
  expect(res.body).toMatchObject({ id: approvalId, status: 'cancelled', approvals_count: 0, decisions: [], requested_by: { type: 'user', id: w.dev.id } });
  expect(res.body.decided_at).not.toBeNull();
  expect(await requestRow(w, approvalId)).toMatchObject({ status: 'cancelled' });
  expect(await patchStatus(w, patch.id)).toBe('draft');
  expect(await audits(approvalId)).toEqual([{ actor_type: 'user', actor_id: w.dev.id, metadata: expect.objectContaining({ action: 'patch.execute', subject_id: patch.id }) }]);
  // Not a decision: no approval.decided.
  const events = await w.h.db.query(`SELECT type FROM webhook_events WHERE data ->> 'id' = $1`, [approvalId]);
  expect(events.rows).toEqual([]);

  const again = await gate(w, w.dev.principal, subjectOf(w, patch));
  expect(again).toMatchObject({ ok: false, status: 'pending', opened: true });
  expect(again.ok === false && again.approvalId).not.toBe(approvalId);
});

it('a request opened with an API key: that key may withdraw it (scope patches:execute); another key may not', async () => {
  const opener = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['patches:execute'], rateLimitPerMinute: 100_000 });
  const { approvalId } = await openRequest(w, keyPrincipal(w.orgId, opener.id));
  const other = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['patches:execute'], rateLimitPerMinute: 100_000 });
  expect((await cancelWithKey(approvalId, other.key).expect(403)).body.code).toBe('FORBIDDEN');
  // A key without the scope is refused before the request is looked at.
  const noScope = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['approvals:read'], rateLimitPerMinute: 100_000 });
  expect((await cancelWithKey(approvalId, noScope.key).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  expect((await requestRow(w, approvalId)).status).toBe('pending');
  expect((await cancelWithKey(approvalId, opener.key).expect(200)).body).toMatchObject({ status: 'cancelled' });
  expect(await audits(approvalId)).toEqual([{ actor_type: 'api_key', actor_id: opener.id, metadata: expect.objectContaining({ subject_hash: expect.any(String) }) }]);
});

it('a project admin, or an organisation owner, may clear someone else\'s request; a viewer may not (403)', async () => {
  const first = await openRequest(w);
  expect((await cancelAs(first.approvalId, w.viewerPerson).expect(403)).body.code).toBe('FORBIDDEN');
  expect((await requestRow(w, first.approvalId)).status).toBe('pending');
  expect((await cancelAs(first.approvalId, w.admin).expect(200)).body.status).toBe('cancelled');

  const second = await openRequest(w);
  expect((await cancelAs(second.approvalId, w.ownerPerson).expect(200)).body.status).toBe('cancelled');
});

it('only a pending request: approved, rejected or cancelled already → 409, unchanged', async () => {
  const { patch, approvalId } = await openRequest(w);
  await asSession(w.h.api.patch(`/api/v1/approvals/${approvalId}`), w.admin.session).send({ decision: 'approve' }).expect(200);
  const res = await cancelAs(approvalId, w.dev).expect(409);
  expect(res.body).toMatchObject({ code: 'CONFLICT', error: 'This approval request is approved: only a pending one can be cancelled' });
  expect((await requestRow(w, approvalId)).status).toBe('approved');
  expect(await patchStatus(w, patch.id)).toBe('approved');

  const other = await openRequest(w);
  await cancelAs(other.approvalId, w.dev).expect(200);
  expect((await cancelAs(other.approvalId, w.dev).expect(409)).body.error).toBe('This approval request is cancelled: only a pending one can be cancelled');
  expect(await audits(other.approvalId)).toHaveLength(1);
});

it('out of reach is 404 (another organisation, a key bound to another project); no credential 401; a bad id 400', async () => {
  const { approvalId } = await openRequest(w);
  expect((await asSession(w.h.api.post(`/api/v1/approvals/${approvalId}/cancel`), w.otherOwner).expect(404)).body.code).toBe('NOT_FOUND');
  expect((await cancelWithKey(approvalId, w.otherProjectKey).expect(404)).body.code).toBe('NOT_FOUND');
  expect((await w.h.api.post(`/api/v1/approvals/${approvalId}/cancel`).expect(401)).body.code).toBe('UNAUTHORIZED');
  const bad = await cancelAs('not-a-uuid', w.dev).expect(400);
  expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  expect((await requestRow(w, approvalId)).status).toBe('pending');
});
