import { randomUUID } from 'node:crypto';
import { createConnectionVia, startConnWorld, type ConnWorld } from './connections-support';

describe('DELETE /api/v1/connections/{id}', () => {
  let w: ConnWorld;
  beforeAll(async () => {
    w = await startConnWorld();
  });
  afterAll(() => w.h.close());
  const del = (id: string, key = w.key) => w.h.api.delete(`/api/v1/connections/${id}`).set('X-API-Key', key);
  const exists = async (id: string) => (await w.h.db.query('SELECT 1 FROM connections WHERE id = $1', [id])).rowCount === 1;
  const insertRun = (connectionId: string, status: string) =>
    w.h.db.query(
      `INSERT INTO runs (org_id, project_id, kind, subject_type, subject_id, status, actor_type) VALUES ($1, $2, 'introspect', 'connection', $3, $4, 'system') RETURNING id`,
      [w.orgId, w.projectId, connectionId, status],
    );

  it('deletes the connection with its password, and audits it', async () => {
    const c = await createConnectionVia(w, { password: 'pw-del' });
    await del(c.id).expect(204);
    expect(await exists(c.id)).toBe(false);
    const { rows } = await w.h.db.query(`SELECT action, metadata FROM audit_events WHERE target_id = $1 ORDER BY created_at`, [c.id]);
    expect(rows.map((r) => r.action)).toEqual(['connection.created', 'connection.deleted']);
    await w.h.api.get(`/api/v1/connections/${c.id}`).set('X-API-Key', w.key).expect(404);
  });

  it.each(['queued', 'running', 'cancelling'])('409 while a run on it is %s; deletable once it has finished', async (status) => {
    const c = await createConnectionVia(w);
    const { rows } = await insertRun(c.id, status);
    expect((await del(c.id).expect(409)).body).toMatchObject({ code: 'CONFLICT', error: expect.stringMatching(/active run/) });
    expect(await exists(c.id)).toBe(true);
    await w.h.db.query(`UPDATE runs SET status = 'succeeded', finished_at = now() WHERE id = $1`, [rows[0].id]);
    await del(c.id).expect(204);
  });

  it("another organisation's connection or an unknown id is a 404 and deletes nothing; a viewer is 403", async () => {
    const c = await createConnectionVia(w);
    await del(c.id, w.other.key).expect(404);
    await del(randomUUID()).expect(404);
    expect((await del(c.id, w.readKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
    const viewer = await w.h.api.delete(`/api/v1/connections/${c.id}`).set('Cookie', w.viewer.cookie).set('X-CSRF-Token', w.viewer.csrf).expect(403);
    expect(viewer.body.code).toBe('FORBIDDEN');
    expect(await exists(c.id)).toBe(true);
    expect((await del('nope').expect(400)).body.code).toBe('VALIDATION_ERROR');
  });
});
