// PATCH /api/v1/approvals/{id}: people decide, with a session; the requester never; one decision
// each; one rejection final; a changed subject supersedes, an expired request answers 409.
import { randomUUID } from 'node:crypto';
import { insertSession, insertWebhook, type Session } from '../helpers/battery-world';
import { createUser } from '../helpers/factories';
import { asSession } from './patches-support';
import {
  gate, keyPrincipal, openRequest, patchStatus, requestRow, setPolicy, clearPolicy, startApprovalWorld, subjectOf, type ApprovalWorld, type Person,
} from './approvals-support';

let w: ApprovalWorld;
beforeAll(async () => {
  w = await startApprovalWorld();
});
afterAll(() => w.close());

const decide = (id: string, who: Person | Session, body: object = { decision: 'approve' }) =>
  asSession(w.h.api.patch(`/api/v1/approvals/${id}`), 'session' in who ? who.session : who).send(body);
const decisions = async (id: string) => (await w.h.db.query('SELECT user_id, decision, comment FROM approval_decisions WHERE request_id = $1 ORDER BY created_at', [id])).rows;

it('approve by an admin: approved (1 of 1), the patch approved, approval.decided published, an audit event', async () => {
  const hook = await insertWebhook(w.h.db, w.orgId, { projectId: w.projectId, events: ['approval.decided'] });
  try {
    const { patch, approvalId } = await openRequest(w);
    const res = await decide(approvalId, w.admin, { decision: 'approve', comment: 'Samples checked' }).expect(200);
    expect(res.body).toMatchObject({
      id: approvalId, status: 'approved', approvals_count: 1, required_approvals: 1, subject: { type: 'patch', id: patch.id },
      requested_by: { type: 'user', id: w.dev.id }, decisions: [{ user_id: w.admin.id, decision: 'approve', comment: 'Samples checked', at: expect.any(String) }],
    });
    expect(res.body.decided_at).not.toBeNull();
    expect(await patchStatus(w, patch.id)).toBe('approved');
    const ev = await w.h.db.query(`SELECT type, data FROM webhook_events WHERE data ->> 'id' = $1`, [approvalId]);
    expect(ev.rows).toEqual([{ type: 'approval.decided', data: res.body }]);
    const audit = await w.h.db.query(`SELECT actor_type, actor_id, metadata FROM audit_events WHERE action = 'approval.decided' AND target_id = $1`, [approvalId]);
    expect(audit.rows).toEqual([{ actor_type: 'user', actor_id: w.admin.id, metadata: expect.objectContaining({ decision: 'approve', status: 'approved', subject_id: patch.id }) }]);
  } finally {
    await w.h.db.query('DELETE FROM webhook_endpoints WHERE id = $1', [hook.id]);
  }
});

it('organisation owners act as project owners; the gate then lets the action run', async () => {
  const { patch, approvalId } = await openRequest(w);
  await decide(approvalId, w.ownerPerson).expect(200);
  expect(await gate(w, w.dev.principal, subjectOf(w, patch))).toEqual({ ok: true, approvalId });
});

it('two approvals required: the first leaves it pending, the same person again → 409, a second person approves it', async () => {
  await setPolicy(w, [{ action: 'patch.execute', environments: ['production'], required_approvals: 2, approver_roles: ['admin', 'owner'] }]);
  try {
    const { patch, approvalId } = await openRequest(w);
    expect((await decide(approvalId, w.admin).expect(200)).body).toMatchObject({ status: 'pending', approvals_count: 1, decided_at: null });
    expect(await patchStatus(w, patch.id)).toBe('pending_approval');
    const again = await decide(approvalId, w.admin, { decision: 'reject' }).expect(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT', error: 'You already decided this approval request' });
    expect((await decide(approvalId, w.admin2).expect(200)).body).toMatchObject({ status: 'approved', approvals_count: 2 });
    expect(await decisions(approvalId)).toHaveLength(2);
  } finally {
    await clearPolicy(w);
  }
});

it('one rejection is final: rejected at once, the patch back to draft, later decisions 409, the gate says rejected', async () => {
  await setPolicy(w, [{ action: 'patch.execute', environments: ['production'], required_approvals: 2, approver_roles: ['admin', 'owner'] }]);
  try {
    const { patch, approvalId } = await openRequest(w);
    await decide(approvalId, w.admin).expect(200);
    const res = await decide(approvalId, w.admin2, { decision: 'reject', comment: 'Wrong table' }).expect(200);
    expect(res.body).toMatchObject({ status: 'rejected', approvals_count: 1 });
    expect(res.body.decided_at).not.toBeNull();
    expect(await patchStatus(w, patch.id)).toBe('draft');
    const late = await decide(approvalId, w.ownerPerson).expect(409);
    expect(late.body.error).toBe('This approval request is rejected: it takes no more decisions');
    expect(await gate(w, w.dev.principal, subjectOf(w, patch))).toEqual({ ok: false, approvalId, status: 'rejected', opened: false });
  } finally {
    await clearPolicy(w);
  }
});

it('the requester cannot decide their own request (403), nor the creator of the key that requested it', async () => {
  const mine = await openRequest(w, w.admin.principal);
  const res = await decide(mine.approvalId, w.admin).expect(403);
  expect(res.body).toMatchObject({ code: 'FORBIDDEN', error: 'You requested this approval: someone else must decide it' });
  // approvalsKey was created by `admin`: a request made with it is theirs too.
  const viaKey = await openRequest(w, keyPrincipal(w.orgId, w.approvalsKeyId));
  await decide(viaKey.approvalId, w.admin).expect(403);
  expect(await decisions(mine.approvalId)).toEqual([]);
  expect((await requestRow(w, mine.approvalId)).status).toBe('pending');
  await decide(viaKey.approvalId, w.admin2).expect(200);
});

it('a project role not in approver_roles → 403 (developer, viewer); nothing recorded', async () => {
  const { approvalId } = await openRequest(w, w.admin.principal);
  expect((await decide(approvalId, w.dev).expect(403)).body.error).toBe('Your project role (developer) cannot decide this request; it needs one of: owner, admin');
  expect((await decide(approvalId, w.viewerPerson).expect(403)).body.code).toBe('FORBIDDEN');
  expect(await decisions(approvalId)).toEqual([]);
});

it('the subject changed since the request opened → superseded, 409', async () => {
  const { patch, approvalId } = await openRequest(w);
  await w.h.db.query(`UPDATE patches SET content_hash = $2 WHERE id = $1`, [patch.id, 'a'.repeat(64)]);
  const res = await decide(approvalId, w.admin).expect(409);
  expect(res.body.error).toBe('The patch changed since this request was opened: it is superseded');
  expect((await requestRow(w, approvalId)).status).toBe('superseded');
  expect(await decisions(approvalId)).toEqual([]);
});

it('expired → marked expired, 409; the next gate call opens a new request', async () => {
  const { patch, approvalId } = await openRequest(w);
  await w.h.db.query(`UPDATE approval_requests SET expires_at = now() - interval '1 minute' WHERE id = $1`, [approvalId]);
  expect((await decide(approvalId, w.admin).expect(409)).body.error).toBe('This approval request expired; the next attempt opens a new one');
  expect((await requestRow(w, approvalId)).status).toBe('expired');
  await decide(approvalId, w.admin2).expect(409);
  const next = await gate(w, w.dev.principal, subjectOf(w, patch));
  expect(next).toMatchObject({ ok: false, status: 'pending' });
  expect(next.approvalId).not.toBe(approvalId);
});

it('no API key can approve: 401 with a key or a bearer key (the operation takes a session only)', async () => {
  const { approvalId } = await openRequest(w);
  for (const t of [
    w.h.api.patch(`/api/v1/approvals/${approvalId}`).set('X-API-Key', w.approvalsKey),
    w.h.api.patch(`/api/v1/approvals/${approvalId}`).set('Authorization', `Bearer ${w.approvalsKey}`),
    w.h.api.patch(`/api/v1/approvals/${approvalId}`).set('X-API-Key', w.key),
  ]) {
    expect((await t.send({ decision: 'approve' }).expect(401)).body.code).toBe('UNAUTHORIZED');
  }
  expect(await decisions(approvalId)).toEqual([]);
});

it('404: another organisation, a member without a role in the project, an unknown id', async () => {
  const { approvalId } = await openRequest(w);
  await decide(approvalId, w.otherOwner).expect(404);
  // A member of the organisation whose only role is in the other project.
  const u = await createUser(w.h.db, { orgId: w.orgId, role: 'member' });
  await w.h.db.query(`INSERT INTO project_members (org_id, project_id, user_id, role) VALUES ($1, $2, $3, 'admin')`, [w.orgId, w.otherProjectId, u.id]);
  await decide(approvalId, await insertSession(w.h.db, u.id, w.orgId)).expect(404);
  await decide(randomUUID(), w.admin).expect(404);
  expect(await decisions(approvalId)).toEqual([]);
});

it('400 naming the field: an unknown decision, a comment over 2000 characters, a missing decision', async () => {
  const { approvalId } = await openRequest(w);
  for (const [body, loc] of [
    [{ decision: 'maybe' }, ['body', 'decision']],
    [{ decision: 'approve', comment: 'x'.repeat(2001) }, ['body', 'comment']],
    [{ comment: 'hi' }, ['body']],
  ] as const) {
    const res = await decide(approvalId, w.admin, body).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc: expect.arrayContaining([...loc]) }));
  }
  expect(await decisions(approvalId)).toEqual([]);
});

it('413 over the body limit, 415 for a body that is not JSON', async () => {
  const { approvalId } = await openRequest(w);
  await decide(approvalId, w.admin, { decision: 'approve', comment: 'x'.repeat(200_000) }).expect(413);
  await asSession(w.h.api.patch(`/api/v1/approvals/${approvalId}`), w.admin.session).set('Content-Type', 'text/plain').send('decision=approve').expect(415);
});
