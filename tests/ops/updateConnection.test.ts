import { randomUUID } from 'node:crypto';
import { decryptPassword } from '../../handlers/ops/target/connection-secrets';
import { createConnectionVia, startConnWorld, storedRow, type ConnWorld } from './connections-support';

describe('PATCH /api/v1/connections/{id}', () => {
  let w: ConnWorld;
  beforeAll(async () => {
    w = await startConnWorld();
  });
  afterAll(() => w.h.close());
  const patch = (id: string, body: object, key = w.key) => w.h.api.patch(`/api/v1/connections/${id}`).set('X-API-Key', key).send(body);

  it('changes the given fields only', async () => {
    const c = await createConnectionVia(w, { name: 'Before', password: 'pw-keep-1' });
    const res = await patch(c.id, { name: 'After', environment: 'production', read_only: true, port: 6432 }).expect(200);
    expect(res.body).toMatchObject({ ...c, name: 'After', environment: 'production', read_only: true, port: 6432, password_set: true, updated_at: expect.any(String) });
    const row = await storedRow(w, c.id);
    expect(decryptPassword(w.h.config, c.id, row.password_encrypted!)).toBe('pw-keep-1');
  });

  it('the password: a string replaces it, null clears it, absent keeps it; never returned', async () => {
    const c = await createConnectionVia(w);
    expect((await patch(c.id, { password: 'pw-set-2' }).expect(200)).body.password_set).toBe(true);
    expect(decryptPassword(w.h.config, c.id, (await storedRow(w, c.id)).password_encrypted!)).toBe('pw-set-2');
    const replaced = await patch(c.id, { password: 'pw-replaced-3' }).expect(200);
    expect(JSON.stringify(replaced.body)).not.toContain('pw-replaced-3');
    expect(decryptPassword(w.h.config, c.id, (await storedRow(w, c.id)).password_encrypted!)).toBe('pw-replaced-3');
    await patch(c.id, { name: 'renamed' }).expect(200);
    expect(decryptPassword(w.h.config, c.id, (await storedRow(w, c.id)).password_encrypted!)).toBe('pw-replaced-3');
    expect((await patch(c.id, { password: null }).expect(200)).body.password_set).toBe(false);
    expect((await storedRow(w, c.id)).password_encrypted).toBeNull();
  });

  it('a change the session depends on clears last_test; a rename keeps it', async () => {
    const c = await createConnectionVia(w);
    await w.h.db.query(`UPDATE connections SET last_test = '{"ok":false,"error_code":"TIMEOUT","server_version":null,"current_user":null,"is_superuser":null,"can_create":null,"can_createrole":null,"in_recovery":null,"latency_ms":null,"tested_at":"2026-05-01T09:00:00Z"}' WHERE id = $1`, [c.id]);
    expect((await patch(c.id, { name: 'renamed again' }).expect(200)).body.last_test).toMatchObject({ error_code: 'TIMEOUT' });
    expect((await patch(c.id, { username: 'other' }).expect(200)).body.last_test).toBeNull();
  });

  it('writes a connection.updated audit event naming the fields, not the password', async () => {
    const c = await createConnectionVia(w);
    await patch(c.id, { password: 'pw-audit-upd', ssl_mode: 'verify-full' }).expect(200);
    const { rows } = await w.h.db.query(`SELECT metadata FROM audit_events WHERE target_id = $1 AND action = 'connection.updated'`, [c.id]);
    expect(rows).toEqual([{ metadata: expect.objectContaining({ changed: ['password', 'ssl_mode'], password: 'set' }) }]);
    expect(JSON.stringify(rows)).not.toContain('pw-audit-upd');
  });

  it.each([
    [{}, ['body'], 'minProperties'],
    [{ project_id: randomUUID() }, ['body', 'project_id'], 'additionalProperties'],
    [{ port: 70000 }, ['body', 'port'], 'maximum'],
    [{ ssl_mode: 'allow' }, ['body', 'ssl_mode'], 'enum'],
    [{ password: '' }, ['body', 'password'], 'minLength'],
    [{ name: null }, ['body', 'name'], 'type'],
  ])('refuses %j with a 400 naming %j, changing nothing', async (body, loc, type) => {
    const c = await createConnectionVia(w);
    const before = await storedRow(w, c.id);
    const res = await patch(c.id, body).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc, type }));
    expect(await storedRow(w, c.id)).toEqual(before);
  });

  it('refuses a body over 100 kB (413) and one that is not JSON (415)', async () => {
    const c = await createConnectionVia(w);
    await patch(c.id, { password: 'x'.repeat(110_000) }).expect(413);
    const res = await w.h.api.patch(`/api/v1/connections/${c.id}`).set('X-API-Key', w.key).set('Content-Type', 'text/plain').send('name=x').expect(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a name taken in the project is a 409', async () => {
    await createConnectionVia(w, { name: 'Taken' });
    const c = await createConnectionVia(w);
    expect((await patch(c.id, { name: 'taken' }).expect(409)).body.code).toBe('CONFLICT');
  });

  it("another organisation's connection or an unknown id is a 404; a viewer is 403; a read-only key 403", async () => {
    const c = await createConnectionVia(w);
    await patch(c.id, { name: 'x' }, w.other.key).expect(404);
    await patch(randomUUID(), { name: 'x' }).expect(404);
    expect((await patch(c.id, { name: 'x' }, w.readKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
    const viewer = await w.h.api.patch(`/api/v1/connections/${c.id}`).set('Cookie', w.viewer.cookie).set('X-CSRF-Token', w.viewer.csrf).send({ name: 'x' }).expect(403);
    expect(viewer.body.code).toBe('FORBIDDEN');
    await w.h.api.patch(`/api/v1/connections/${c.id}`).set('Cookie', w.developer.cookie).set('X-CSRF-Token', w.developer.csrf).send({ name: 'by dev' }).expect(200);
  });
});
