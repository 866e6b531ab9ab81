// A connection or project that patches reference cannot be deleted (409, nothing deleted): the
// patch tables reference them ON DELETE RESTRICT, and an executed patch's row images are the only
// copy of the data it overwrote. Once the drafts are deleted, both can go.
import { insertConnectionRow } from '../helpers/ops-factories';
import { asSession, seedPatch, startPatchWorld, type PatchWorld } from './patches-support';

let w: PatchWorld;
beforeAll(async () => {
  w = await startPatchWorld();
});
afterAll(() => w.close());

const exists = async (table: string, id: string) => (await w.h.db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).rowCount === 1;

it('deleteConnection and deleteProject answer 409 while a patch exists, then 204 once it is deleted', async () => {
  const projectId = (await w.h.db.query(`INSERT INTO projects (org_id, name) VALUES ($1, 'Guarded') RETURNING id`, [w.orgId])).rows[0].id;
  const conn = await insertConnectionRow(w.h.db, w.orgId, projectId);
  const patch = await seedPatch(w, { projectId, connectionId: conn.id });

  const delConn = () => asSession(w.h.api.delete(`/api/v1/connections/${conn.id}`), w.owner);
  const delProject = () => asSession(w.h.api.delete(`/api/v1/projects/${projectId}`), w.owner);
  expect((await delConn().expect(409)).body).toMatchObject({ code: 'CONFLICT', error: expect.stringContaining('1 mass patch') });
  expect((await delProject().expect(409)).body).toMatchObject({ code: 'CONFLICT', error: expect.stringContaining('1 mass patches') });
  expect(await exists('connections', conn.id)).toBe(true);
  expect(await exists('projects', projectId)).toBe(true);
  expect(await exists('patches', patch.id)).toBe(true);

  await asSession(w.h.api.delete(`/api/v1/patches/${patch.id}`), w.owner).expect(204);
  await delConn().expect(204);
  await delProject().expect(204);
  expect(await exists('projects', projectId)).toBe(false);
});
