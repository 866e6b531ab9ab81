import { randomUUID } from 'node:crypto';
import { asKey, asSession, auditOf, startProjectsWorld, type ProjectsWorld } from './projects-world';

describe('PATCH /api/v1/projects/{project_id}/members/{user_id}', () => {
  let w: ProjectsWorld;
  beforeAll(async () => {
    w = await startProjectsWorld();
  });
  afterAll(() => w.h.close());
  const patch = (pid: string, uid: string, body: unknown) => w.h.api.patch(`/api/v1/projects/${pid}/members/${uid}`).send(body as object);
  const roleIn = async (pid: string, userId: string) => (await w.h.db.query('SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2', [pid, userId])).rows[0]?.role ?? null;

  it('a project admin changes a developer to viewer, with an audit event; the same role again changes nothing', async () => {
    const id = await w.newProject();
    const res = await asSession(patch(id, w.users.developer.id, { role: 'viewer' }), w.users.admin.session).expect(200);
    expect(res.body).toMatchObject({ id: w.users.developer.id, role: 'viewer' });
    expect(await roleIn(id, w.users.developer.id)).toBe('viewer');
    await asSession(patch(id, w.users.developer.id, { role: 'viewer' }), w.users.admin.session).expect(200);
    expect(await auditOf(w, id)).toEqual([
      { action: 'project.member_updated', actor_type: 'user', actor_id: w.users.admin.id, target_type: 'project', target_id: id, metadata: { user_id: w.users.developer.id, role: 'viewer', previous_role: 'developer' } },
    ]);
    // The demoted viewer can no longer write.
    await asSession(w.h.api.patch(`/api/v1/projects/${id}`).send({ name: 'x' }), w.users.developer.session).expect(403);
  });

  it('the last owner cannot be demoted (409); with a second owner they can', async () => {
    const id = await w.newProject();
    const res = await asSession(patch(id, w.users.owner.id, { role: 'admin' }), w.users.orgOwner.session).expect(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', error: 'This is the last owner of the project: make another member owner first' });
    expect(await roleIn(id, w.users.owner.id)).toBe('owner');
    await asSession(patch(id, w.users.admin.id, { role: 'owner' }), w.users.owner.session).expect(200);
    await asSession(patch(id, w.users.owner.id, { role: 'developer' }), w.users.owner.session).expect(200);
    expect([await roleIn(id, w.users.owner.id), await roleIn(id, w.users.admin.id)]).toEqual(['developer', 'owner']);
  });

  it('two owners demoting each other at once: one wins, the other is refused (409), one owner is left', async () => {
    const id = await w.newProject();
    await asSession(patch(id, w.users.admin.id, { role: 'owner' }), w.users.owner.session).expect(200);
    // Hold the project row so both requests are in flight together, then let them go.
    const holder = await w.h.db.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [id]);
      const both = Promise.all([
        asSession(patch(id, w.users.owner.id, { role: 'viewer' }), w.users.admin.session),
        asSession(patch(id, w.users.admin.id, { role: 'viewer' }), w.users.owner.session),
      ]);
      for (let i = 0; ; i++) {
        const { rows } = await w.h.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (rows[0].n >= 2) break;
        if (i > 500) throw new Error('the two requests never waited on the project lock');
        await new Promise((r) => setTimeout(r, 10));
      }
      await holder.query('COMMIT');
      const statuses = (await both).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
    } finally {
      holder.release();
    }
    const { rows } = await w.h.db.query(`SELECT count(*)::int AS n FROM project_members WHERE project_id = $1 AND role = 'owner'`, [id]);
    expect(rows[0].n).toBe(1);
  });

  it('a project admin cannot promote to owner nor demote an owner (403); developers and viewers manage no one (403), keys are refused (401)', async () => {
    const id = await w.newProject();
    for (const [uid, role] of [[w.users.admin.id, 'owner'], [w.users.viewer.id, 'owner'], [w.users.owner.id, 'viewer']]) {
      const res = await asSession(patch(id, uid, { role }), w.users.admin.session).expect(403);
      expect(res.body.error).toBe('Only a project owner can grant, change or remove the owner role');
    }
    for (const who of ['developer', 'viewer'] as const) {
      await asSession(patch(id, w.users.viewer.id, { role: 'developer' }), w.users[who].session).expect(403);
    }
    await asKey(patch(id, w.users.viewer.id, { role: 'developer' }), w.keys.write).expect(401);
    expect([await roleIn(id, w.users.owner.id), await roleIn(id, w.users.admin.id), await roleIn(id, w.users.viewer.id)]).toEqual(['owner', 'admin', 'viewer']);
  });

  it('not found (404): a user who is not a member, another organisation’s member or project, a member without a role calling', async () => {
    const id = await w.newProject();
    const cases: Array<[string, string, Parameters<typeof asSession>[1], string]> = [
      [id, w.users.outsider.id, w.users.owner.session, 'Project member not found'],
      [id, w.other.memberId, w.users.owner.session, 'Project member not found'],
      [id, randomUUID(), w.users.owner.session, 'Project member not found'],
      [w.other.projectId, w.other.memberId, w.users.orgOwner.session, 'Project not found'],
      [id, w.users.viewer.id, w.users.outsider.session, 'Project not found'],
      [id, w.users.viewer.id, w.other.ownerSession, 'Project not found'],
    ];
    for (const [pid, uid, session, error] of cases) {
      expect((await asSession(patch(pid, uid, { role: 'admin' }), session).expect(404)).body.error).toBe(error);
    }
    expect(await roleIn(id, w.users.viewer.id)).toBe('viewer');
  });

  it('400 naming the field; 401 without a session; 413 and 415 for bodies', async () => {
    const id = await w.newProject();
    const bad = await asSession(patch(id, w.users.viewer.id, { role: 'root' }), w.users.owner.session).expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['body', 'role'], type: 'enum' }));
    const path = await asSession(patch(id, 'me', { role: 'admin' }), w.users.owner.session).expect(400);
    expect(path.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'user_id'] }));
    await patch(id, w.users.viewer.id, { role: 'admin' }).expect(401);
    await asSession(patch(id, w.users.viewer.id, { role: 'admin', pad: 'x'.repeat(110_000) }), w.users.owner.session).expect(413);
    await asSession(w.h.api.patch(`/api/v1/projects/${id}/members/${w.users.viewer.id}`), w.users.owner.session).set('Content-Type', 'text/plain').send('role=admin').expect(415);
  });
});
