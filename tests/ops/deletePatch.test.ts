// DELETE /api/v1/patches/{id}: a never-executed patch only (an execution's row images are the only
// copy of what it overwrote), and not under an active run.
import { randomUUID } from 'node:crypto';
import { insertRunRow } from '../helpers/ops-factories';
import { asSession, seedPatch, startPatchWorld, type PatchWorld } from './patches-support';

let w: PatchWorld;
beforeAll(async () => {
  w = await startPatchWorld();
});
afterAll(() => w.close());

const del = (id: string, key = w.key) => w.h.api.delete(`/api/v1/patches/${id}`).set('X-API-Key', key);
const exists = async (id: string) => (await w.h.db.query('SELECT 1 FROM patches WHERE id = $1', [id])).rowCount === 1;

it('204: a draft is deleted, with an audit event; a console developer may too', async () => {
  const p = await seedPatch(w, { name: 'gone' });
  await del(p.id).expect(204);
  expect(await exists(p.id)).toBe(false);
  const audit = await w.h.db.query(`SELECT metadata FROM audit_events WHERE target_id = $1 AND action = 'patch.deleted'`, [p.id]);
  expect(audit.rows).toEqual([{ metadata: { project_id: w.projectId, name: 'gone', content_hash: p.content_hash } }]);
  const q = await seedPatch(w);
  await asSession(w.h.api.delete(`/api/v1/patches/${q.id}`), w.developer).expect(204);
  expect(await exists(q.id)).toBe(false);
});

it('409 for an executed patch, one with an execution row, or one with an active run; kept', async () => {
  const executed = await seedPatch(w, { status: 'executed' });
  expect((await del(executed.id).expect(409)).body.code).toBe('CONFLICT');
  const withExecution = await seedPatch(w, { status: 'failed' });
  await w.h.db.query(`INSERT INTO patch_executions (org_id, patch_id, kind, state, decided_by, content_hash) VALUES ($1, $2, 'execute', 'aborted', 'error', $3)`,
    [w.orgId, withExecution.id, withExecution.content_hash]);
  await del(withExecution.id).expect(409);
  const running = await seedPatch(w);
  await insertRunRow(w.h.db, w.orgId, w.projectId, { kind: 'patch.dry_run', subjectType: 'patch', subjectId: running.id, status: 'running' });
  expect((await del(running.id).expect(409)).body.error).toMatch(/1 active run/);
  for (const p of [executed, withExecution, running]) expect(await exists(p.id)).toBe(true);
});

it('404 out of reach, 400 malformed, 401 without a credential, 403 without patches:write or as a viewer', async () => {
  const p = await seedPatch(w);
  const theirs = await seedPatch(w, { orgId: w.other.orgId, projectId: w.other.projectId, connectionId: w.other.connectionId });
  await del(theirs.id).expect(404);
  await del(p.id, w.otherProjectKey).expect(404);
  await del(randomUUID()).expect(404);
  await del('1').expect(400);
  await w.h.api.delete(`/api/v1/patches/${p.id}`).expect(401);
  await del(p.id, w.readKey).expect(403);
  expect((await asSession(w.h.api.delete(`/api/v1/patches/${p.id}`), w.viewer).expect(403)).body.code).toBe('FORBIDDEN');
  expect(await exists(p.id)).toBe(true);
  expect(await exists(theirs.id)).toBe(true);
});
