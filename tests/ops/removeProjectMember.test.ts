import { randomUUID } from 'node:crypto';
import { asKey, asSession, auditOf, startProjectsWorld, type ProjectsWorld } from './projects-world';

describe('DELETE /api/v1/projects/{project_id}/members/{user_id}', () => {
  let w: ProjectsWorld;
  beforeAll(async () => {
    w = await startProjectsWorld();
  });
  afterAll(() => w.h.close());
  const del = (pid: string, uid: string) => w.h.api.delete(`/api/v1/projects/${pid}/members/${uid}`);
  const roleIn = async (pid: string, userId: string) => (await w.h.db.query('SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2', [pid, userId])).rows[0]?.role ?? null;

  it('a project admin removes a developer, who then loses the project (404) but stays in the organisation; with an audit event', async () => {
    const id = await w.newProject();
    await asSession(del(id, w.users.developer.id), w.users.admin.session).expect(204);
    expect(await roleIn(id, w.users.developer.id)).toBeNull();
    const { rows } = await w.h.db.query('SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2', [w.orgId, w.users.developer.id]);
    expect(rows).toEqual([{ role: 'member' }]);
    expect(await auditOf(w, id)).toEqual([
      { action: 'project.member_removed', actor_type: 'user', actor_id: w.users.admin.id, target_type: 'project', target_id: id, metadata: { user_id: w.users.developer.id, role: 'developer' } },
    ]);
    await asSession(w.h.api.get(`/api/v1/projects/${id}`), w.users.developer.session).expect(404);
    await asSession(del(id, w.users.developer.id), w.users.admin.session).expect(404);
  });

  it('the last owner cannot be removed (409), even by an organisation owner; with another owner they can', async () => {
    const id = await w.newProject();
    const res = await asSession(del(id, w.users.owner.id), w.users.orgOwner.session).expect(409);
    expect(res.body.code).toBe('CONFLICT');
    expect(await roleIn(id, w.users.owner.id)).toBe('owner');
    await asSession(w.h.api.patch(`/api/v1/projects/${id}/members/${w.users.admin.id}`).send({ role: 'owner' }), w.users.owner.session).expect(200);
    await asSession(del(id, w.users.owner.id), w.users.admin.session).expect(204);
    expect(await roleIn(id, w.users.owner.id)).toBeNull();
  });

  it('a project admin cannot remove an owner; developers and viewers cannot remove anyone (403), API keys are refused (401)', async () => {
    const id = await w.newProject();
    await asSession(w.h.api.patch(`/api/v1/projects/${id}/members/${w.users.admin.id}`).send({ role: 'owner' }), w.users.owner.session).expect(200);
    await asSession(w.h.api.patch(`/api/v1/projects/${id}/members/${w.users.developer.id}`).send({ role: 'admin' }), w.users.owner.session).expect(200);
    // developer is now a project admin: it may not remove an owner.
    expect((await asSession(del(id, w.users.owner.id), w.users.developer.session).expect(403)).body.error).toBe('Only a project owner can grant, change or remove the owner role');
    await asSession(del(id, w.users.admin.id), w.users.viewer.session).expect(403);
    await asKey(del(id, w.users.viewer.id), w.keys.write).expect(401);
    expect([await roleIn(id, w.users.owner.id), await roleIn(id, w.users.admin.id), await roleIn(id, w.users.viewer.id)]).toEqual(['owner', 'owner', 'viewer']);
  });

  it('not found (404) out of reach or not a member', async () => {
    const id = await w.newProject();
    for (const [pid, uid, session] of [
      [id, w.users.outsider.id, w.users.owner.session],
      [id, randomUUID(), w.users.owner.session],
      [id, w.users.viewer.id, w.users.outsider.session],
      [id, w.users.viewer.id, w.other.ownerSession],
      [w.other.projectId, w.other.memberId, w.users.orgOwner.session],
    ] as const) {
      await asSession(del(pid, uid), session).expect(404);
    }
    expect(await roleIn(id, w.users.viewer.id)).toBe('viewer');
  });

  it('400 for a malformed id, 401 without a session', async () => {
    const id = await w.newProject();
    const bad = await asSession(del(id, 'x'), w.users.owner.session).expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'user_id'] }));
    await del(id, w.users.viewer.id).expect(401);
  });
});
