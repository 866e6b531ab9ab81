// GET /api/v1/approvals/{id}: the request with its decisions and the dry-run of exactly its content.
import { randomUUID } from 'node:crypto';
import { asSession } from './patches-support';
import { openRequest, startApprovalWorld, type ApprovalWorld } from './approvals-support';

let w: ApprovalWorld;
beforeAll(async () => {
  w = await startApprovalWorld();
});
afterAll(() => w.close());

const get = (id: string, key = w.approvalsKey) => w.h.api.get(`/api/v1/approvals/${id}`).set('X-API-Key', key);

it('200 with a key holding approvals:read: the whole shape, the dry-run of the same hash', async () => {
  const { patch, approvalId } = await openRequest(w, w.dev.principal, { affectedRows: 12 });
  const res = await get(approvalId).expect(200);
  expect(res.body).toEqual({
    id: approvalId, project_id: w.projectId, action: 'patch.execute', subject: { type: 'patch', id: patch.id }, subject_hash: patch.content_hash,
    environment: 'production', affected_rows: 3, status: 'pending', required_approvals: 1, approver_roles: ['owner', 'admin'], approvals_count: 0,
    requested_by: { type: 'user', id: w.dev.id }, decisions: [],
    dry_run: { affected_rows: 12, samples: [{ pk: { id: 1 }, before: { id: 1, note: null }, after: { id: 1, note: 'x' } }] },
    expires_at: expect.stringMatching(/Z$/), created_at: expect.stringMatching(/Z$/), decided_at: null,
  });
  // Bearer, and any project role with a session (viewers read approvals).
  await w.h.api.get(`/api/v1/approvals/${approvalId}`).set('Authorization', `Bearer ${w.approvalsKey}`).expect(200);
  await asSession(w.h.api.get(`/api/v1/approvals/${approvalId}`), w.viewerPerson.session).expect(200);
});

it('dry_run is null when the patch has none, or one of other content', async () => {
  const none = await openRequest(w, w.dev.principal, { dryRun: false });
  expect((await get(none.approvalId).expect(200)).body.dry_run).toBeNull();
  const stale = await openRequest(w);
  await w.h.db.query(`UPDATE patches SET last_dry_run = jsonb_set(last_dry_run, '{content_hash}', to_jsonb($2::text)) WHERE id = $1`, [stale.patch.id, 'b'.repeat(64)]);
  expect((await get(stale.approvalId).expect(200)).body.dry_run).toBeNull();
});

it('404 out of reach: another organisation, a key bound to the other project, a member without a role, an unknown id', async () => {
  const { approvalId } = await openRequest(w);
  await asSession(w.h.api.get(`/api/v1/approvals/${approvalId}`), w.otherOwner).expect(404);
  await get(approvalId, w.otherProjectApprovalsKey).expect(404);
  await get(randomUUID()).expect(404);
  const { rows } = await w.h.db.query(`SELECT 1 FROM approval_requests WHERE id = $1`, [approvalId]);
  expect(rows).toHaveLength(1);
});

it('403 without approvals:read, 401 without a credential, 400 for an id that is not a uuid', async () => {
  const { approvalId } = await openRequest(w);
  expect((await get(approvalId, w.key).expect(403)).body).toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
  await w.h.api.get(`/api/v1/approvals/${approvalId}`).expect(401);
  await get('not-a-uuid').expect(400);
});
