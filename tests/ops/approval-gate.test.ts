// The approval gate (handlers/ops/approvals/gate.ts) called directly against the real database, as
// executePatch and the run claim call it: the policy per environment, one open request per subject,
// content binding (superseded), rejection final for its content, expiry, and stillApproved.
import { stillApproved } from '../../handlers/ops/approvals/gate';
import { insertWebhook } from '../helpers/battery-world';
import {
  clearPolicy, gate, keyPrincipal, openRequest, patchStatus, prodPatch, requestRow, setPolicy, startApprovalWorld, subjectOf, type ApprovalWorld,
} from './approvals-support';

let w: ApprovalWorld;
beforeAll(async () => {
  w = await startApprovalWorld();
});
afterAll(() => w.close());

const countRequests = async (subjectId: string) =>
  (await w.h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM approval_requests WHERE subject_id = $1', [subjectId])).rows[0].n;

describe('the default policy', () => {
  it.each([
    ['development', () => w.connectionId],
    ['staging', () => w.stagingConnectionId],
  ])('%s needs no approval: ok, no request, the patch untouched', async (_env, conn) => {
    const p = await prodPatch(w, { connectionId: conn() });
    expect(await gate(w, w.dev.principal, subjectOf(w, p, { connectionId: conn() }))).toEqual({ ok: true, approvalId: null });
    expect(await gate(w, w.dev.principal, subjectOf(w, p, { connectionId: conn(), action: 'patch.rollback' }))).toEqual({ ok: true, approvalId: null });
    expect(await countRequests(p.id)).toBe(0);
    expect(await patchStatus(w, p.id)).toBe('draft');
    expect(await stillApproved(w.h.db, subjectOf(w, p, { connectionId: conn() }), null)).toBe(true);
  });

  it('production: a pending request (1 approval from owner or admin), the patch pending_approval; a second attempt finds the same one', async () => {
    const p = await prodPatch(w, { affectedRows: 7 });
    const first = await gate(w, w.dev.principal, subjectOf(w, p, { affectedRows: 7 }));
    expect(first).toEqual({ ok: false, approvalId: expect.any(String), status: 'pending', opened: true });
    expect(await requestRow(w, first.approvalId!)).toMatchObject({
      org_id: w.orgId, project_id: w.projectId, action: 'patch.execute', subject_type: 'patch', subject_id: p.id, patch_id: p.id,
      subject_hash: p.content_hash, environment: 'production', affected_rows: 7, requested_by_type: 'user', requested_by_id: w.dev.id,
      required_approvals: 1, approver_roles: ['owner', 'admin'], status: 'pending', decided_at: null, expired: false,
    });
    const row = await requestRow(w, first.approvalId!);
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(72 * 3600 * 1000);
    expect(await patchStatus(w, p.id)).toBe('pending_approval');
    expect(await gate(w, w.admin.principal, subjectOf(w, p))).toEqual({ ...first, opened: false });
    expect(await countRequests(p.id)).toBe(1);
    expect(await stillApproved(w.h.db, subjectOf(w, p), first.approvalId!)).toBe(false);
    expect(await stillApproved(w.h.db, subjectOf(w, p), null)).toBe(false);
  });

  it('a rollback needs its own request, and leaves the patch status alone', async () => {
    const p = await prodPatch(w);
    await w.h.db.query(`UPDATE patches SET status = 'executed' WHERE id = $1`, [p.id]);
    const r = await gate(w, w.dev.principal, subjectOf(w, p, { action: 'patch.rollback' }));
    expect(r).toMatchObject({ ok: false, status: 'pending' });
    expect(await requestRow(w, r.approvalId!)).toMatchObject({ action: 'patch.rollback' });
    expect(await patchStatus(w, p.id)).toBe('executed');
  });
});

it('an API key requester is recorded as the key (actorOf)', async () => {
  const { approvalId } = await openRequest(w, keyPrincipal(w.orgId, w.keyId));
  expect(await requestRow(w, approvalId)).toMatchObject({ requested_by_type: 'api_key', requested_by_id: w.keyId });
});

it('approved with the same hash → ok with its id, and stillApproved; another hash supersedes it and opens a new request', async () => {
  const { patch, approvalId } = await openRequest(w);
  await w.h.db.query(`UPDATE approval_requests SET status = 'approved', decided_at = now() WHERE id = $1`, [approvalId]);
  expect(await gate(w, w.dev.principal, subjectOf(w, patch))).toEqual({ ok: true, approvalId });
  expect(await stillApproved(w.h.db, subjectOf(w, patch), approvalId)).toBe(true);

  const changed = subjectOf(w, patch, { subjectHash: 'f'.repeat(64) });
  expect(await stillApproved(w.h.db, changed, approvalId)).toBe(false);
  const again = await gate(w, w.dev.principal, changed);
  expect(again).toMatchObject({ ok: false, status: 'pending' });
  expect(again.approvalId).not.toBe(approvalId);
  expect((await requestRow(w, approvalId)).status).toBe('superseded');
  expect(await requestRow(w, again.approvalId!)).toMatchObject({ subject_hash: 'f'.repeat(64), status: 'pending' });
});

it('rejected is final for that content; other content opens a new request', async () => {
  const { patch, approvalId } = await openRequest(w);
  await w.h.db.query(`UPDATE approval_requests SET status = 'rejected', decided_at = now() WHERE id = $1`, [approvalId]);
  expect(await gate(w, w.dev.principal, subjectOf(w, patch))).toEqual({ ok: false, approvalId, status: 'rejected', opened: false });
  // However old: a rejection does not expire into a fresh chance.
  await w.h.db.query(`UPDATE approval_requests SET expires_at = now() - interval '1 day' WHERE id = $1`, [approvalId]);
  expect(await gate(w, w.dev.principal, subjectOf(w, patch))).toEqual({ ok: false, approvalId, status: 'rejected', opened: false });
  const other = await gate(w, w.dev.principal, subjectOf(w, patch, { subjectHash: 'e'.repeat(64) }));
  expect(other).toMatchObject({ ok: false, status: 'pending' });
  expect((await requestRow(w, approvalId)).status).toBe('rejected');
});

it('expired (expires_at past): the gate marks it expired and opens a new one; stillApproved is false', async () => {
  const pending = await openRequest(w);
  await w.h.db.query(`UPDATE approval_requests SET expires_at = now() - interval '1 second' WHERE id = $1`, [pending.approvalId]);
  const fresh = await gate(w, w.dev.principal, subjectOf(w, pending.patch));
  expect(fresh).toMatchObject({ ok: false, status: 'pending' });
  expect(fresh.approvalId).not.toBe(pending.approvalId);
  expect((await requestRow(w, pending.approvalId)).status).toBe('expired');

  const approved = await openRequest(w);
  await w.h.db.query(`UPDATE approval_requests SET status = 'approved', decided_at = now(), expires_at = now() - interval '1 second' WHERE id = $1`, [approved.approvalId]);
  expect(await stillApproved(w.h.db, subjectOf(w, approved.patch), approved.approvalId)).toBe(false);
  const next = await gate(w, w.dev.principal, subjectOf(w, approved.patch));
  expect(next).toMatchObject({ ok: false, status: 'pending' });
  expect((await requestRow(w, approved.approvalId)).status).toBe('expired');
});

describe('a project policy', () => {
  afterEach(() => clearPolicy(w));

  it('the first matching rule applies; min_rows starts a rule at a count (an unknown count matches); no match → ok', async () => {
    await setPolicy(w, [
      { action: 'patch.execute', environments: ['staging'], min_rows: 100, required_approvals: 2, approver_roles: ['developer'] },
      { action: 'patch.execute', environments: ['staging', 'production'], min_rows: null, required_approvals: 1, approver_roles: ['owner'] },
    ]);
    const staging = (rows: number | null) => ({ connectionId: w.stagingConnectionId, affectedRows: rows });
    const small = await prodPatch(w, { connectionId: w.stagingConnectionId });
    const r1 = await gate(w, w.dev.principal, subjectOf(w, small, staging(50)));
    expect(await requestRow(w, r1.approvalId!)).toMatchObject({ required_approvals: 1, approver_roles: ['owner'], environment: 'staging' });
    const big = await prodPatch(w, { connectionId: w.stagingConnectionId });
    const r2 = await gate(w, w.dev.principal, subjectOf(w, big, staging(150)));
    expect(await requestRow(w, r2.approvalId!)).toMatchObject({ required_approvals: 2, approver_roles: ['developer'] });
    const unknown = await prodPatch(w, { connectionId: w.stagingConnectionId });
    const r3 = await gate(w, w.dev.principal, subjectOf(w, unknown, staging(null)));
    expect(await requestRow(w, r3.approvalId!)).toMatchObject({ required_approvals: 2 });
    // No rule for rollbacks, none for development.
    expect(await gate(w, w.dev.principal, subjectOf(w, big, { ...staging(150), action: 'patch.rollback' }))).toEqual({ ok: true, approvalId: null });
    const dev = await prodPatch(w, { connectionId: w.connectionId });
    expect(await gate(w, w.dev.principal, subjectOf(w, dev, { connectionId: w.connectionId }))).toEqual({ ok: true, approvalId: null });
  });

  it('an empty policy: nothing needs approval, even production (stillApproved true without an approval)', async () => {
    await setPolicy(w, []);
    const p = await prodPatch(w);
    expect(await gate(w, w.dev.principal, subjectOf(w, p))).toEqual({ ok: true, approvalId: null });
    expect(await stillApproved(w.h.db, subjectOf(w, p), null)).toBe(true);
  });
});

it('publishes approval.requested to the project’s endpoints, rendered as GET /approvals/{id} shows it', async () => {
  const hook = await insertWebhook(w.h.db, w.orgId, { projectId: w.projectId, events: ['approval.requested', 'approval.decided'] });
  try {
    const { approvalId } = await openRequest(w);
    const { rows } = await w.h.db.query(`SELECT type, data FROM webhook_events WHERE org_id = $1 AND data ->> 'id' = $2`, [w.orgId, approvalId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].type).toBe('approval.requested');
    const api = await w.h.api.get(`/api/v1/approvals/${approvalId}`).set('X-API-Key', w.approvalsKey).expect(200);
    expect(rows[0].data).toEqual(api.body);
    expect(api.body.dry_run).toEqual({ affected_rows: 3, samples: [{ pk: { id: 1 }, before: { id: 1, note: null }, after: { id: 1, note: 'x' } }] });
  } finally {
    await w.h.db.query('DELETE FROM webhook_endpoints WHERE id = $1', [hook.id]);
  }
});
