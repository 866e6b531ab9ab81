import { randomUUID } from 'node:crypto';
import { insertConnectionRow, insertRunRow, type RunStatus } from '../helpers/ops-factories';
import { asKey, asSession, auditOf, projectKey, startProjectsWorld, type ProjectsWorld } from './projects-world';

describe('DELETE /api/v1/projects/{project_id}', () => {
  let w: ProjectsWorld;
  beforeAll(async () => {
    w = await startProjectsWorld();
  });
  afterAll(() => w.h.close());
  const del = (id: string) => w.h.api.delete(`/api/v1/projects/${id}`);
  const exists = async (table: string, column: string, id: string) => (await w.h.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [id])).rows[0].n;

  it('the project owner deletes it with everything in it (members, connections, runs, its keys), with an audit event', async () => {
    const id = await w.newProject('Doomed');
    const conn = await insertConnectionRow(w.h.db, w.orgId, id);
    await insertRunRow(w.h.db, w.orgId, id, { subjectId: conn.id, status: 'succeeded' });
    await insertRunRow(w.h.db, w.orgId, id, { subjectId: conn.id, status: 'failed' });
    const key = await projectKey(w, id);
    await asSession(del(id), w.users.owner.session).expect(204);
    for (const [table, column] of [['projects', 'id'], ['project_members', 'project_id'], ['connections', 'project_id'], ['runs', 'project_id'], ['api_keys', 'project_id']]) {
      expect([table, await exists(table, column, id)]).toEqual([table, 0]);
    }
    expect(await auditOf(w, id)).toEqual([
      { action: 'project.deleted', actor_type: 'user', actor_id: w.users.owner.id, target_type: 'project', target_id: id, metadata: { name: 'Doomed' } },
    ]);
    // Its key went with it.
    await asKey(w.h.api.get('/api/v1/projects'), key).expect(401);
    await asSession(del(id), w.users.owner.session).expect(404);
  });

  it.each(['queued', 'running', 'cancelling'] as RunStatus[])('a %s run blocks it: 409, nothing deleted', async (status) => {
    const id = await w.newProject();
    await insertRunRow(w.h.db, w.orgId, id, { status });
    const res = await asSession(del(id), w.users.orgOwner.session).expect(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', error: expect.stringContaining('1 active runs (queued, running or cancelling)') });
    expect(await exists('projects', 'id', id)).toBe(1);
    expect(await exists('runs', 'project_id', id)).toBe(1);
    expect(await auditOf(w, id)).toEqual([]);
  });

  it('a run being queued while the delete starts is seen: the delete waits for it, then answers 409', async () => {
    const id = await w.newProject();
    const queuing = await w.h.db.connect();
    try {
      await queuing.query('BEGIN');
      await insertRunRow(queuing, w.orgId, id, { status: 'queued' }); // its foreign key holds the project row (FOR KEY SHARE)
      const deleting = asSession(del(id), w.users.owner.session).then((r) => r);
      for (let i = 0; ; i++) {
        const { rows } = await w.h.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (rows[0].n >= 1) break;
        if (i > 500) throw new Error('the delete never waited for the queuing transaction');
        await new Promise((r) => setTimeout(r, 10));
      }
      await queuing.query('COMMIT');
      expect(await deleting).toHaveStatus(409);
    } finally {
      queuing.release();
    }
    expect(await exists('runs', 'project_id', id)).toBe(1);
  });

  it('organisation owners and admins and keys with projects:write may; admins, developers and viewers of the project may not (403)', async () => {
    for (const who of ['admin', 'developer', 'viewer'] as const) {
      const id = await w.newProject();
      const res = await asSession(del(id), w.users[who].session).expect(403);
      expect(res.body.error).toBe(`Your project role (${who}) does not allow project.delete`);
      expect(await exists('projects', 'id', id)).toBe(1);
    }
    await asSession(del(await w.newProject()), w.users.orgAdmin.session).expect(204);
    await asKey(del(await w.newProject()), w.keys.write).expect(204);
    const own = await w.newProject();
    await asKey(del(own), await projectKey(w, own)).expect(204);
  });

  it('not found (404) out of reach; nothing deleted', async () => {
    const id = await w.newProject();
    for (const t of [
      asSession(del(id), w.users.outsider.session),
      asKey(del(id), await projectKey(w, await w.newProject())),
      asKey(del(id), w.other.key),
      asKey(del(w.other.projectId), w.keys.write),
      asKey(del(randomUUID()), w.keys.write),
    ]) {
      await t.expect(404);
    }
    expect(await exists('projects', 'id', id)).toBe(1);
    expect(await exists('projects', 'id', w.other.projectId)).toBe(1);
  });

  it('400 for a malformed id, 401 without a credential, 403 without projects:write', async () => {
    const id = await w.newProject();
    const bad = await asKey(del('nope'), w.keys.write).expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'project_id'] }));
    await del(id).expect(401);
    await asKey(del(id), w.keys.read).expect(403);
    expect(await exists('projects', 'id', id)).toBe(1);
  });
});
