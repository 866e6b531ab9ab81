// POST /api/v1/patches/{id}/rollback: a `patch.rollback` run by the real worker on a real target.
// A rollback restores the table exactly (md5 of the ordered rows); a row edited since the execute
// is a conflict and is not overwritten (then `force` does); a dry-run changes nothing.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RunWorker } from '../../src/runs/worker';
import {
  asSession, dryRunThroughApi, finishedRun, insertProjectEndpoint, seedPatch, startPatchWorld, tableChecksum, targetClient, type PatchWorld,
} from './patches-support';
import { startTestWorker } from './runs-support';

let w: PatchWorld;
let target: pg.Client;
let worker: RunWorker;

beforeAll(async () => {
  w = await startPatchWorld({ target: true });
  target = await targetClient(w);
  await target.query(`CREATE TABLE public.items (id int PRIMARY KEY, kind text NOT NULL, note text, price numeric);
    INSERT INTO public.items SELECT g, CASE WHEN g % 3 = 0 THEN 'old' ELSE 'new' END, NULL, g * 1.5 FROM generate_series(1, 600) g;`);
  worker = startTestWorker(w.h.db);
});
afterAll(async () => {
  await worker.stop();
  await target.end();
  await w.close();
});

const rollback = (id: string, body?: Record<string, unknown>, key = w.key) => {
  const t = w.h.api.post(`/api/v1/patches/${id}/rollback`).set('X-API-Key', key);
  return body === undefined ? t : t.send(body);
};
const status = async (id: string) => (await w.h.api.get(`/api/v1/patches/${id}`).set('X-API-Key', w.key).expect(200)).body.status;

/** A patch executed through the API (dry-run, then execute). */
async function executed(over: Parameters<typeof seedPatch>[1]) {
  const p = await seedPatch(w, over);
  await dryRunThroughApi(w, p.id);
  const res = await w.h.api.post(`/api/v1/patches/${p.id}/execute`).set('X-API-Key', w.key).set('Idempotency-Key', randomUUID()).expect(202);
  const run = await finishedRun(w, res.body.id);
  expect(run.status).toBe('succeeded');
  return { ...p, executionId: run.result.execution_id as string };
}
const rolledBack = async (id: string, body?: Record<string, unknown>) => finishedRun(w, (await rollback(id, body).expect(202)).body.id);

it('execute then rollback (no body) restores the table exactly; rolled_back; patch.rolled_back; a second rollback is a 409', async () => {
  const hook = await insertProjectEndpoint(w, ['patch.rolled_back']);
  const original = await tableChecksum(target, 'public.items');
  const p = await executed({ where: "kind = 'old'", set: { note: 'closed', price: 0 }, maxRows: 1000 });
  expect(await tableChecksum(target, 'public.items')).not.toEqual(original);

  const run = await rolledBack(p.id);
  expect(run.status).toBe('succeeded');
  expect(run.result).toMatchObject({ dry_run: false, forced: false, restored: 200, reinserted: 0, already_restored: 0, conflict_count: 0, conflicts: [] });
  expect(await tableChecksum(target, 'public.items')).toEqual(original);
  expect(await status(p.id)).toBe('rolled_back');
  const { rows } = await w.h.db.query(`SELECT type, data->>'status' AS status, endpoint_id FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id WHERE e.data->>'id' = $1`, [p.id]);
  expect(rows).toEqual([{ type: 'patch.rolled_back', status: 'rolled_back', endpoint_id: hook }]);
  expect((await rollback(p.id, {}).expect(409)).body.code).toBe('CONFLICT');
  await w.h.db.query('DELETE FROM webhook_endpoints WHERE id = $1', [hook]);
});

it('dry_run changes nothing; a row edited since is a conflict left alone; force then overwrites it and restores the table', async () => {
  const original = await tableChecksum(target, 'public.items');
  const p = await executed({ where: "kind = 'new' AND id <= 30", set: { note: 'n' }, maxRows: 100 });
  await target.query(`UPDATE public.items SET note = 'edited by hand' WHERE id = 4`);
  const patched = await tableChecksum(target, 'public.items');

  const dry = await rolledBack(p.id, { dry_run: true });
  expect(dry.result).toMatchObject({ execution_id: null, dry_run: true, restored: 19, conflict_count: 1, conflicts: [{ pk: { id: 4 }, reason: 'changed_since' }] });
  expect(await tableChecksum(target, 'public.items')).toEqual(patched);
  expect(await status(p.id)).toBe('executed');

  const careful = await rolledBack(p.id, { force: false });
  expect(careful.result).toMatchObject({ dry_run: false, restored: 19, conflict_count: 1, conflicts: [{ pk: { id: 4 }, reason: 'changed_since' }] });
  expect((await target.query('SELECT note FROM public.items WHERE id = 4')).rows[0].note).toBe('edited by hand');
  expect((await target.query(`SELECT count(*)::int AS n FROM public.items WHERE note = 'n'`)).rows[0].n).toBe(0);
  // Conflicts left: still executed, and a rollback may run again.
  expect(await status(p.id)).toBe('executed');

  const forced = await rolledBack(p.id, { force: true });
  expect(forced.result).toMatchObject({ forced: true, restored: 1, already_restored: 19, conflict_count: 1 });
  expect(await tableChecksum(target, 'public.items')).toEqual(original);
  expect(await status(p.id)).toBe('rolled_back');
});

it('a delete rolled back re-inserts the rows; the replay of a key is the same run', async () => {
  const original = await tableChecksum(target, 'public.items');
  const p = await executed({ operation: 'delete', where: 'id > 590', maxRows: 10 });
  expect((await tableChecksum(target, 'public.items')).n).toBe(original.n - 10);
  const idem = randomUUID();
  const res = await rollback(p.id, {}).set('Idempotency-Key', idem).expect(202);
  const again = await rollback(p.id, {}).set('Idempotency-Key', idem).expect(202);
  expect(again.body).toEqual(res.body);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect((await finishedRun(w, res.body.id)).result).toMatchObject({ reinserted: 10, conflict_count: 0 });
  expect(await tableChecksum(target, 'public.items')).toEqual(original);
  expect(await status(p.id)).toBe('rolled_back');
});

it('409 unless executed; 400 for a malformed body, 413 too large, 415 not JSON; 401, 403 without patches:execute or as a viewer, 404 out of reach', async () => {
  const draft = await seedPatch(w, { where: 'id = 1' });
  expect((await rollback(draft.id, {}).expect(409)).body.code).toBe('CONFLICT');
  const executing = await seedPatch(w, { where: 'id = 1', status: 'executing' });
  await rollback(executing.id, { dry_run: true }).expect(409);

  const p = await executed({ where: 'id = 2', set: { note: 'x' }, maxRows: 1 });
  const bad = await rollback(p.id, { force: 'yes' }).expect(400);
  expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['body', 'force'] }));
  await rollback(p.id, { undo: true }).expect(400);
  await rollback(p.id, { force: true, pad: 'x'.repeat(110_000) }).expect(413);
  await w.h.api.post(`/api/v1/patches/${p.id}/rollback`).set('X-API-Key', w.key).set('Content-Type', 'text/plain').send('force=true').expect(415);
  await w.h.api.post(`/api/v1/patches/${p.id}/rollback`).send({}).expect(401);
  expect((await rollback(p.id, {}, w.writeKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  expect((await asSession(w.h.api.post(`/api/v1/patches/${p.id}/rollback`), w.viewer).send({}).expect(403)).body.code).toBe('FORBIDDEN');
  await rollback(p.id, {}, w.other.key).expect(404);
  await rollback(p.id, {}, w.otherProjectKey).expect(404);
  await rollback(randomUUID(), {}).expect(404);
  expect((await w.h.db.query(`SELECT count(*)::int AS n FROM runs WHERE subject_id = ANY($1) AND kind = 'patch.rollback'`, [[p.id, draft.id, executing.id]])).rows[0].n).toBe(0);

  // While another run of the patch is active (one no worker here knows), a rollback is a 409.
  const { rows } = await w.h.db.query(
    `INSERT INTO runs (org_id, project_id, kind, subject_type, subject_id, actor_type) VALUES ($1, $2, 'test.unknown', 'patch', $3, 'system') RETURNING id`,
    [w.orgId, w.projectId, p.id]);
  expect((await rollback(p.id, { dry_run: true }).expect(409)).body.error).toMatch(/queued or running/);
  await w.h.db.query(`UPDATE runs SET status = 'cancelled', finished_at = now() WHERE id = $1`, [rows[0].id]);

  // A developer may.
  const dev = await asSession(w.h.api.post(`/api/v1/patches/${p.id}/rollback`), w.developer).send({ dry_run: true }).expect(202);
  expect(dev.body.created_by.type).toBe('user');
  expect((await finishedRun(w, dev.body.id)).result).toMatchObject({ dry_run: true, restored: 1 });
});
