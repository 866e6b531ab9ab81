// Execute meets the real approval gate, end to end through HTTP: a production connection under the
// default policy (1 approval from an admin or owner). The attempt opens the request and is refused
// with 409 APPROVAL_REQUIRED naming it, with nothing run; the requester cannot approve it (403);
// another admin's approval lets the same request (same Idempotency-Key) through, and the real
// worker changes the target. An edited patch's approval is superseded; an expired one blocks.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RunWorker } from '../../src/runs/worker';
import { insertSession, type Session } from '../helpers/battery-world';
import { createUser } from '../helpers/factories';
import { asSession, fakeDryRun, finishedRun, seedPatch, startPatchWorld, targetClient, type PatchWorld } from './patches-support';
import { startTestWorker } from './runs-support';

let w: PatchWorld;
let target: pg.Client;
let worker: RunWorker;
let admin: Session;

beforeAll(async () => {
  w = await startPatchWorld({ target: true });
  await w.h.db.query(`UPDATE connections SET environment = 'production' WHERE id = $1`, [w.connectionId]);
  const adminUser = await createUser(w.h.db, { orgId: w.orgId, role: 'member' });
  await w.h.db.query(`INSERT INTO project_members (org_id, project_id, user_id, role) VALUES ($1, $2, $3, 'admin')`, [w.orgId, w.projectId, adminUser.id]);
  admin = await insertSession(w.h.db, adminUser.id, w.orgId);
  target = await targetClient(w);
  await target.query(`CREATE TABLE public.items (id int PRIMARY KEY, note text); INSERT INTO public.items SELECT g, NULL FROM generate_series(1, 50) g;`);
  worker = startTestWorker(w.h.db);
});
afterAll(async () => {
  await worker.stop();
  await target.end();
  await w.close();
});

const execute = (id: string, idem = randomUUID()) => asSession(w.h.api.post(`/api/v1/patches/${id}/execute`), w.owner).set('Idempotency-Key', idem);
const decide = (id: string, who: Session, decision: 'approve' | 'reject') => asSession(w.h.api.patch(`/api/v1/approvals/${id}`), who).send({ decision });
const getApproval = async (id: string) => (await asSession(w.h.api.get(`/api/v1/approvals/${id}`), w.owner).expect(200)).body;
const patchStatus = async (id: string) => (await w.h.api.get(`/api/v1/patches/${id}`).set('X-API-Key', w.key).expect(200)).body.status;
const runsOf = async (id: string) => (await w.h.db.query(`SELECT count(*)::int AS n FROM runs WHERE subject_id = $1 AND kind = 'patch.execute'`, [id])).rows[0].n;
const noted = async () => (await target.query(`SELECT count(*)::int AS n FROM public.items WHERE note IS NOT NULL`)).rows[0].n;

/** The refusal's approval id, after checking the envelope. */
function refusedFor(res: { body: { code: string; details: Array<{ loc: string[]; msg: string; type: string }> } }, status: string): string {
  expect(res.body.code).toBe('APPROVAL_REQUIRED');
  expect(res.body.details).toEqual([{ loc: ['approval_id'], msg: expect.any(String), type: `approval_${status}` }]);
  return res.body.details[0].msg;
}

async function readyPatch(where: string) {
  const p = await seedPatch(w, { table: 'public.items', where, set: { note: 'fixed' }, maxRows: 100, createdBy: w.ownerId });
  await fakeDryRun(w, p.id, { affectedRows: 5 });
  return p;
}

it('production: 409 APPROVAL_REQUIRED opens the request, nothing runs; the requester gets 403; an admin approves; the same request then executes', async () => {
  const p = await readyPatch('id <= 5');
  const idem = randomUUID();
  const approvalId = refusedFor(await execute(p.id, idem).expect(409), 'pending');
  expect(await runsOf(p.id)).toBe(0);
  expect(await noted()).toBe(0);
  expect(await patchStatus(p.id)).toBe('pending_approval');
  expect(await getApproval(approvalId)).toMatchObject({
    status: 'pending', action: 'patch.execute', subject: { type: 'patch', id: p.id }, subject_hash: p.content_hash, environment: 'production',
    required_approvals: 1, approvals_count: 0, requested_by: { type: 'user', id: w.ownerId },
  });
  // Asking again does not open a second request.
  expect(refusedFor(await execute(p.id).expect(409), 'pending')).toBe(approvalId);
  // Opening it was audited once, with who asked, though the answer was a refusal.
  const opened = await w.h.db.query(`SELECT actor_type, actor_id, metadata FROM audit_events WHERE action = 'approval.requested' AND target_id = $1`, [approvalId]);
  expect(opened.rows).toEqual([{ actor_type: 'user', actor_id: w.ownerId, metadata: expect.objectContaining({ action: 'patch.execute', subject_id: p.id, subject_hash: p.content_hash }) }]);

  // The requester (an owner, so in the approver roles) may not approve their own request.
  expect((await decide(approvalId, w.owner, 'approve').expect(403)).body.code).toBe('FORBIDDEN');
  expect((await decide(approvalId, admin, 'approve').expect(200)).body).toMatchObject({ status: 'approved', approvals_count: 1 });
  expect(await patchStatus(p.id)).toBe('approved');

  const res = await execute(p.id, idem).expect(202);
  const run = await finishedRun(w, res.body.id);
  expect(run).toMatchObject({ status: 'succeeded', result: { affected_rows: 5 } });
  expect(await noted()).toBe(5);
  expect(await patchStatus(p.id)).toBe('executed');
  const audit = await w.h.db.query(`SELECT metadata FROM audit_events WHERE target_id = $1 AND action = 'patch.execute_requested'`, [p.id]);
  expect(audit.rows.map((r) => r.metadata.approval_id)).toEqual([approvalId]);
});

it('editing the patch supersedes its approval: execute then asks for a new one', async () => {
  const p = await readyPatch('id BETWEEN 11 AND 15');
  const first = refusedFor(await execute(p.id).expect(409), 'pending');
  await decide(first, admin, 'approve').expect(200);

  await asSession(w.h.api.patch(`/api/v1/patches/${p.id}`), w.owner).send({ where: 'id BETWEEN 11 AND 14' }).expect(200);
  expect((await getApproval(first)).status).toBe('superseded');
  expect(await patchStatus(p.id)).toBe('draft');

  await fakeDryRun(w, p.id, { affectedRows: 4 });
  const second = refusedFor(await execute(p.id).expect(409), 'pending');
  expect(second).not.toBe(first);
  expect(await runsOf(p.id)).toBe(0);
  expect(await noted()).toBe(5); // the first test's rows only
});

it('an expired approval blocks execute: a new request is opened, nothing runs', async () => {
  const p = await readyPatch('id BETWEEN 21 AND 25');
  const first = refusedFor(await execute(p.id).expect(409), 'pending');
  await decide(first, admin, 'approve').expect(200);
  await w.h.db.query(`UPDATE approval_requests SET expires_at = now() - interval '1 minute' WHERE id = $1`, [first]);

  const second = refusedFor(await execute(p.id).expect(409), 'pending');
  expect(second).not.toBe(first);
  expect((await getApproval(first)).status).toBe('expired');
  expect(await runsOf(p.id)).toBe(0);
  expect(await noted()).toBe(5);
});

it('one rejection is final for that content: execute keeps answering rejected', async () => {
  const p = await readyPatch('id BETWEEN 31 AND 35');
  const id = refusedFor(await execute(p.id).expect(409), 'pending');
  await decide(id, admin, 'reject').expect(200);
  expect(refusedFor(await execute(p.id).expect(409), 'rejected')).toBe(id);
  expect(await runsOf(p.id)).toBe(0);
});
