// PUT /api/v1/projects/{project_id}/approval-policy: admins and owners with a session set the rules.
import { randomUUID } from 'node:crypto';
import { asSession } from './patches-support';
import { clearPolicy, gate, prodPatch, requestRow, startApprovalWorld, subjectOf, type ApprovalWorld } from './approvals-support';
import type { Session } from '../helpers/battery-world';

let w: ApprovalWorld;
beforeAll(async () => {
  w = await startApprovalWorld();
});
afterAll(() => w.close());
afterEach(() => clearPolicy(w));

const put = (body: object, s: Session = w.admin.session, projectId = w.projectId) =>
  asSession(w.h.api.put(`/api/v1/projects/${projectId}/approval-policy`), s).send(body);
const stored = async () => (await w.h.db.query('SELECT rules FROM approval_policies WHERE project_id = $1', [w.projectId])).rows[0]?.rules ?? null;

const TWO_ADMINS = { action: 'patch.execute', environments: ['production', 'staging'], required_approvals: 2, approver_roles: ['admin'] };

it('200 as a project admin: the rules (min_rows made explicit), an audit event; the gate applies them', async () => {
  const res = await put({ rules: [TWO_ADMINS] }).expect(200);
  expect(res.body).toEqual({
    project_id: w.projectId, rules: [{ ...TWO_ADMINS, min_rows: null }], is_default: false, updated_by: w.admin.id, updated_at: expect.any(String),
  });
  expect(await stored()).toEqual([{ ...TWO_ADMINS, min_rows: null }]);
  const audit = await w.h.db.query(`SELECT actor_id, metadata FROM audit_events WHERE action = 'approval_policy.updated' AND target_id = $1`, [w.projectId]);
  expect(audit.rows).toEqual([{ actor_id: w.admin.id, metadata: expect.objectContaining({ rules: [{ ...TWO_ADMINS, min_rows: null }], previous_was_default: true }) }]);
  const p = await prodPatch(w, { connectionId: w.stagingConnectionId });
  const r = await gate(w, w.dev.principal, subjectOf(w, p, { connectionId: w.stagingConnectionId }));
  expect(await requestRow(w, r.approvalId!)).toMatchObject({ required_approvals: 2, approver_roles: ['admin'] });
  // Rollbacks on production now need nothing.
  expect(await gate(w, w.dev.principal, subjectOf(w, p, { action: 'patch.rollback' }))).toEqual({ ok: true, approvalId: null });
});

it('replaces the whole policy; an organisation owner may set it; an empty list means no approvals', async () => {
  await put({ rules: [TWO_ADMINS] }).expect(200);
  const res = await put({ rules: [] }, w.owner).expect(200);
  expect(res.body).toMatchObject({ rules: [], is_default: false });
  expect(await stored()).toEqual([]);
});

it.each([
  ['too many approvals', { rules: [{ ...TWO_ADMINS, required_approvals: 6 }] }, ['body', 'rules', 0, 'required_approvals']],
  ['an unknown environment', { rules: [{ ...TWO_ADMINS, environments: ['prod'] }] }, ['body', 'rules', 0, 'environments', 0]],
  ['no environment', { rules: [{ ...TWO_ADMINS, environments: [] }] }, ['body', 'rules', 0, 'environments']],
  ['viewer as an approver', { rules: [{ ...TWO_ADMINS, approver_roles: ['viewer'] }] }, ['body', 'rules', 0, 'approver_roles', 0]],
  ['an unknown action', { rules: [{ ...TWO_ADMINS, action: 'seed.run' }] }, ['body', 'rules', 0, 'action']],
  ['a negative min_rows', { rules: [{ ...TWO_ADMINS, min_rows: -1 }] }, ['body', 'rules', 0, 'min_rows']],
  ['a rule an earlier one hides', { rules: [TWO_ADMINS, { ...TWO_ADMINS, environments: ['staging'], min_rows: 10 }] }, ['body', 'rules', 1]],
  ['no rules field', {}, ['body']],
])('400 for %s, naming the field; nothing stored', async (_what, body, loc) => {
  const res = await put(body).expect(400);
  expect(res.body.code).toBe('VALIDATION_ERROR');
  expect(res.body.details).toContainEqual(expect.objectContaining({ loc: expect.arrayContaining(loc as (string | number)[]) }));
  expect(await stored()).toBeNull();
});

it('a later rule with a higher threshold than an earlier one is allowed (the earlier does not cover it)', async () => {
  const rules = [{ ...TWO_ADMINS, min_rows: 1000 }, { ...TWO_ADMINS, required_approvals: 1, min_rows: null }];
  await put({ rules }).expect(200);
});

it('403 for a developer or viewer, 401 for any API key, 404 out of reach; nothing stored', async () => {
  expect((await put({ rules: [] }, w.dev.session).expect(403)).body.code).toBe('FORBIDDEN');
  await put({ rules: [] }, w.viewerPerson.session).expect(403);
  await w.h.api.put(`/api/v1/projects/${w.projectId}/approval-policy`).set('X-API-Key', w.key).send({ rules: [] }).expect(401);
  await w.h.api.put(`/api/v1/projects/${w.projectId}/approval-policy`).set('Authorization', `Bearer ${w.approvalsKey}`).send({ rules: [] }).expect(401);
  await put({ rules: [] }, w.otherOwner).expect(404);
  await put({ rules: [] }, w.admin.session, w.otherProjectId).expect(404);
  await put({ rules: [] }, w.admin.session, randomUUID()).expect(404);
  expect(await stored()).toBeNull();
});

it('413 over the body limit, 415 for a body that is not JSON', async () => {
  await put({ rules: [], pad: 'x'.repeat(200_000) }).expect(413);
  await asSession(w.h.api.put(`/api/v1/projects/${w.projectId}/approval-policy`), w.admin.session).set('Content-Type', 'text/plain').send('rules=').expect(415);
});
