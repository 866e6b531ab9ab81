// GET /api/v1/projects/{project_id}/approval-policy: the project's rules, or the default.
import { randomUUID } from 'node:crypto';
import { asSession } from './patches-support';
import { clearPolicy, setPolicy, startApprovalWorld, type ApprovalWorld } from './approvals-support';

let w: ApprovalWorld;
beforeAll(async () => {
  w = await startApprovalWorld();
});
afterAll(() => w.close());

const get = (projectId = w.projectId, key = w.approvalsKey) => w.h.api.get(`/api/v1/projects/${projectId}/approval-policy`).set('X-API-Key', key);

it('the default while the project never set one: production needs 1 approval from an admin or owner', async () => {
  const res = await get().expect(200);
  expect(res.body).toEqual({
    project_id: w.projectId,
    rules: [
      { action: 'patch.execute', environments: ['production'], min_rows: null, required_approvals: 1, approver_roles: ['owner', 'admin'] },
      { action: 'patch.rollback', environments: ['production'], min_rows: null, required_approvals: 1, approver_roles: ['owner', 'admin'] },
    ],
    is_default: true, updated_by: null, updated_at: null,
  });
  // A viewer reads it too.
  await asSession(w.h.api.get(`/api/v1/projects/${w.projectId}/approval-policy`), w.viewerPerson.session).expect(200);
});

it('the project’s own rules once set (an empty list included)', async () => {
  await setPolicy(w, []);
  try {
    expect((await get().expect(200)).body).toMatchObject({ rules: [], is_default: false, updated_at: expect.any(String) });
  } finally {
    await clearPolicy(w);
  }
});

it('404 out of reach (another organisation, a key bound to the other project, an unknown project); 403 without the scope; 401; 400', async () => {
  await get(w.other.projectId).expect(404);
  await get(w.projectId, w.otherProjectApprovalsKey).expect(404);
  await get(randomUUID()).expect(404);
  await asSession(w.h.api.get(`/api/v1/projects/${w.projectId}/approval-policy`), w.otherOwner).expect(404);
  expect((await get(w.projectId, w.key).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  await w.h.api.get(`/api/v1/projects/${w.projectId}/approval-policy`).expect(401);
  await get('nope').expect(400);
});
