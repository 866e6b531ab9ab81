import { randomUUID } from 'node:crypto';
import { asKey, asSession, auditOf, projectKey, startProjectsWorld, type ProjectsWorld } from './projects-world';

describe('PATCH /api/v1/projects/{project_id}', () => {
  let w: ProjectsWorld;
  beforeAll(async () => {
    w = await startProjectsWorld();
  });
  afterAll(() => w.h.close());
  const patch = (id: string, body: unknown) => w.h.api.patch(`/api/v1/projects/${id}`).send(body as object);
  const row = async (id: string) => (await w.h.db.query('SELECT name, description, updated_at FROM projects WHERE id = $1', [id])).rows[0];

  it('a project admin renames it: only the fields given change, with an audit event naming them', async () => {
    const id = await w.newProject('Before');
    await w.h.db.query(`UPDATE projects SET description = 'keep me', updated_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    const was = await row(id);
    const res = await asSession(patch(id, { name: ' After ' }), w.users.admin.session).expect(200);
    expect(res.body).toMatchObject({ id, name: 'After', description: 'keep me' });
    const now = await row(id);
    expect(now).toMatchObject({ name: 'After', description: 'keep me' });
    expect(now.updated_at.getTime()).toBeGreaterThan(was.updated_at.getTime());
    expect(await auditOf(w, id)).toEqual([
      { action: 'project.updated', actor_type: 'user', actor_id: w.users.admin.id, target_type: 'project', target_id: id, metadata: { changed: ['name'], name: 'After', previous_name: 'Before' } },
    ]);
  });

  it('owners, organisation owners and admins, and keys with projects:write may; an unchanged value writes no event', async () => {
    const id = await w.newProject();
    await asSession(patch(id, { description: 'a' }), w.users.owner.session).expect(200);
    await asSession(patch(id, { description: 'b' }), w.users.orgOwner.session).expect(200);
    await asSession(patch(id, { description: 'c' }), w.users.orgAdmin.session).expect(200);
    await asKey(patch(id, { description: 'd' }), w.keys.write).expect(200);
    const res = await asKey(patch(id, { description: 'e' }), await projectKey(w, id)).expect(200);
    expect(res.body.description).toBe('e');
    await asKey(patch(id, { description: 'e' }), w.keys.write).expect(200);
    expect((await auditOf(w, id)).map((e) => e.metadata.changed)).toEqual([['description'], ['description'], ['description'], ['description'], ['description']]);
  });

  it('a developer or viewer cannot (403), and nothing changes', async () => {
    const id = await w.newProject('Stays');
    for (const who of ['developer', 'viewer'] as const) {
      const res = await asSession(patch(id, { name: 'Changed' }), w.users[who].session).expect(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', error: `Your project role (${who}) does not allow project.update` });
    }
    expect((await row(id)).name).toBe('Stays');
    expect(await auditOf(w, id)).toEqual([]);
  });

  it('not found (404) out of reach: a member without a role, another project’s key, another organisation', async () => {
    const id = await w.newProject('Mine');
    const other = await w.newProject();
    for (const t of [
      asSession(patch(id, { name: 'x' }), w.users.outsider.session),
      asKey(patch(id, { name: 'x' }), await projectKey(w, other)),
      asKey(patch(id, { name: 'x' }), w.other.key),
      asKey(patch(w.other.projectId, { name: 'x' }), w.keys.write),
      asKey(patch(randomUUID(), { name: 'x' }), w.keys.write),
    ]) {
      const res = await t.expect(404);
      expect(res.body.error).toBe('Project not found');
    }
    expect((await row(id)).name).toBe('Mine');
  });

  it('another project’s name is a 409 naming name', async () => {
    await w.newProject('Taken');
    const id = await w.newProject('Free');
    const res = await asKey(patch(id, { name: 'taken' }), w.keys.write).expect(409);
    expect(res.body.details).toEqual([expect.objectContaining({ loc: ['body', 'name'] })]);
    expect((await row(id)).name).toBe('Free');
  });

  it.each([
    ['an empty body', {}, ['body'], 'minProperties'],
    ['a blank name', { name: ' ' }, ['body', 'name'], 'blank'],
    ['a long description', { description: 'x'.repeat(1001) }, ['body', 'description'], 'maxLength'],
    ['an unknown field', { created_by: null }, ['body', 'created_by'], 'additionalProperties'],
  ])('refuses %s with a 400 naming the field', async (_what, body, loc, type) => {
    const id = await w.newProject();
    const res = await asKey(patch(id, body), w.keys.write).expect(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc, type }));
  });

  it('401 without a credential, 403 without projects:write, 413 and 415 for bodies', async () => {
    const id = await w.newProject();
    await patch(id, { name: 'x' }).expect(401);
    await asKey(patch(id, { name: 'x' }), w.keys.read).expect(403);
    await asKey(patch(id, { description: 'x'.repeat(110_000) }), w.keys.write).expect(413);
    await asKey(w.h.api.patch(`/api/v1/projects/${id}`), w.keys.write).set('Content-Type', 'text/plain').send('name=x').expect(415);
  });
});
