// GET /api/v1/patches/{id}: one patch in reach; another tenant's or another project's is a 404.
import { randomUUID } from 'node:crypto';
import { asSession, seedPatch, startPatchWorld, type PatchWorld } from './patches-support';

let w: PatchWorld;
beforeAll(async () => {
  w = await startPatchWorld();
});
afterAll(() => w.close());

const get = (id: string, key = w.key) => w.h.api.get(`/api/v1/patches/${id}`).set('X-API-Key', key);

it('200: the patch as stored, with its last dry-run', async () => {
  const p = await seedPatch(w, { name: 'Fix notes', where: 'id < 5' });
  const dry = { run_id: randomUUID(), content_hash: p.content_hash, affected_rows: 4, samples: [{ pk: { id: 1 }, before: { id: 1, note: null }, after: { id: 1, note: 'x' } }], at: '2026-05-01T09:30:00.000Z' };
  await w.h.db.query('UPDATE patches SET last_dry_run = $2 WHERE id = $1', [p.id, JSON.stringify(dry)]);
  const res = await get(p.id, w.readKey).expect(200);
  expect(res.body).toMatchObject({ id: p.id, project_id: w.projectId, connection_id: w.connectionId, name: 'Fix notes', table: 'public.items', operation: 'update', set: { note: 'x' }, where: 'id < 5', where_input: 'id < 5', status: 'draft', content_hash: p.content_hash, last_dry_run: dry });
  // A viewer reads it.
  await asSession(w.h.api.get(`/api/v1/patches/${p.id}`), w.viewer).expect(200);
});

it('404 out of reach: another organisation’s, another project’s for a project key, unknown', async () => {
  const mine = await seedPatch(w);
  const theirs = await seedPatch(w, { orgId: w.other.orgId, projectId: w.other.projectId, connectionId: w.other.connectionId });
  expect((await get(theirs.id).expect(404)).body.error).toBe('Patch not found');
  await get(mine.id, w.otherProjectKey).expect(404);
  await get(mine.id, w.other.key).expect(404);
  await get(randomUUID()).expect(404);
  const inOther = await seedPatch(w, { projectId: w.otherProjectId, connectionId: w.otherConnectionId });
  await get(inOther.id, w.otherProjectKey).expect(200);
  // A console member without a role in the patch's project.
  await asSession(w.h.api.get(`/api/v1/patches/${inOther.id}`), w.viewer).expect(404);
});

it('400 for a malformed id, 401 without a credential, 403 without patches:read', async () => {
  const p = await seedPatch(w);
  const bad = await get('nope').expect(400);
  expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  await w.h.api.get(`/api/v1/patches/${p.id}`).expect(401);
  expect((await get(p.id, w.noPatchKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
});
