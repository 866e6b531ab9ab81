// POST /api/v1/patches/{id}/execute: the preconditions (Idempotency-Key, a fresh dry-run of the
// current content), then a `patch.execute` run by the real worker on a real target database —
// exactly the matched rows change; the guards leave the target unchanged (md5 of ordered rows).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RunWorker } from '../../src/runs/worker';
import {
  asSession, dryRunThroughApi, fakeDryRun, finishedRun, insertProjectEndpoint, seedPatch, startPatchWorld, tableChecksum, targetClient, type PatchWorld,
} from './patches-support';
import { startTestWorker } from './runs-support';

let w: PatchWorld;
let target: pg.Client;
let worker: RunWorker;

beforeAll(async () => {
  w = await startPatchWorld({ target: true });
  target = await targetClient(w);
  await target.query(`CREATE TABLE public.items (id int PRIMARY KEY, kind text NOT NULL, note text);
    INSERT INTO public.items SELECT g, CASE WHEN g % 3 = 0 THEN 'old' ELSE 'new' END, NULL FROM generate_series(1, 600) g;
    CREATE TABLE public.scratch (id int PRIMARY KEY, note text); INSERT INTO public.scratch SELECT g, NULL FROM generate_series(1, 20) g;`);
  worker = startTestWorker(w.h.db);
});
afterAll(async () => {
  await worker.stop();
  await target.end();
  await w.close();
});

const execute = (id: string, key = w.key, idem: string | null = randomUUID()) => {
  const t = w.h.api.post(`/api/v1/patches/${id}/execute`).set('X-API-Key', key);
  return idem === null ? t : t.set('Idempotency-Key', idem);
};
const getPatch = async (id: string) => (await w.h.api.get(`/api/v1/patches/${id}`).set('X-API-Key', w.key).expect(200)).body;
const runsOf = async (id: string, kind = 'patch.execute') =>
  (await w.h.db.query(`SELECT count(*)::int AS n FROM runs WHERE subject_id = $1 AND kind = $2`, [id, kind])).rows[0].n;
const notedIds = async (table = 'public.items') => (await target.query(`SELECT array_agg(id ORDER BY id) AS ids FROM ${table} WHERE note IS NOT NULL`)).rows[0].ids ?? [];

it('202 → exactly the matched rows change on the target; executed; patch.executed rendered like GET; a replay is the same run; a second execute is a 409', async () => {
  const hook = await insertProjectEndpoint(w, ['patch.executed']);
  const elsewhere = await insertProjectEndpoint(w, ['patch.executed'], w.otherProjectId); // another project's: never gets it
  const p = await seedPatch(w, { where: "kind = 'old' AND id <= 300", set: { note: 'closed' }, maxRows: 1000, expectedRows: 100 });
  await dryRunThroughApi(w, p.id);
  const untouched = await target.query(`SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS sum FROM public.items t WHERE NOT (kind = 'old' AND id <= 300)`);

  const idem = randomUUID();
  const res = await execute(p.id, w.key, idem).expect(202);
  expect(res.headers.location).toBe(`/api/v1/runs/${res.body.id}`);
  expect(res.body).toMatchObject({ kind: 'patch.execute', subject: { type: 'patch', id: p.id }, status: 'queued' });
  const run = await finishedRun(w, res.body.id);
  expect(run.status).toBe('succeeded');
  expect(run.result).toEqual({ execution_id: expect.any(String), affected_rows: 100, content_hash: p.content_hash });

  // Exactly the 100 rows, and nothing else.
  expect(await notedIds()).toEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 3));
  expect((await target.query(`SELECT count(*)::int AS n FROM public.items WHERE note = 'closed' AND kind = 'old' AND id <= 300`)).rows[0].n).toBe(100);
  const after = await target.query(`SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS sum FROM public.items t WHERE NOT (kind = 'old' AND id <= 300)`);
  expect(after.rows[0].sum).toBe(untouched.rows[0].sum);

  const patch = await getPatch(p.id);
  expect(patch.status).toBe('executed');
  const { rows: execs } = await w.h.db.query(`SELECT id, state, decided_by, run_id, affected_rows FROM patch_executions WHERE patch_id = $1`, [p.id]);
  expect(execs).toEqual([{ id: run.result.execution_id, state: 'committed', decided_by: 'commit', run_id: run.id, affected_rows: 100 }]);

  // patch.executed, once, to the project's endpoint, its data the patch as GET shows it.
  const { rows: events } = await w.h.db.query(
    `SELECT e.type, e.data, d.endpoint_id FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id WHERE e.data ->> 'id' = $1`, [p.id]);
  expect(events).toEqual([{ type: 'patch.executed', data: patch, endpoint_id: hook }]);
  const audit = await w.h.db.query(`SELECT metadata FROM audit_events WHERE target_id = $1 AND action = 'patch.execute_requested'`, [p.id]);
  expect(audit.rows[0].metadata).toMatchObject({ run_id: run.id, content_hash: p.content_hash, approval_id: null });

  // The same request with its key: the original 202, no new run. Another key: 409.
  const again = await execute(p.id, w.key, idem).expect(202);
  expect(again.body).toEqual(res.body);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect((await execute(p.id).expect(409)).body.code).toBe('CONFLICT');
  expect(await runsOf(p.id)).toBe(1);
  await w.h.db.query('DELETE FROM webhook_endpoints WHERE id = ANY($1)', [[hook, elsewhere]]);
});

it('400 naming Idempotency-Key when it is missing; nothing queued', async () => {
  const p = await seedPatch(w, { table: 'public.scratch', where: 'id = 1' });
  await fakeDryRun(w, p.id);
  const res = await execute(p.id, w.key, null).expect(400);
  expect(res.body.code).toBe('VALIDATION_ERROR');
  // Header names are case-insensitive; the validator names it in lower case.
  expect(res.body.details.map((d: { loc: string[] }) => d.loc.join('.').toLowerCase())).toContain('header.idempotency-key');
  expect(await runsOf(p.id)).toBe(0);
  expect((await getPatch(p.id)).status).toBe('draft');
});

it('412 without a dry-run, with a dry-run of another content, with one older than 15 minutes; nothing queued, the key not used up', async () => {
  const p = await seedPatch(w, { table: 'public.scratch', where: 'id = 1' });
  const idem = randomUUID();
  const none = await execute(p.id, w.key, idem).expect(412);
  expect(none.body).toMatchObject({ code: 'PRECONDITION_FAILED', details: [expect.objectContaining({ loc: ['last_dry_run'], type: 'missing' })] });

  await fakeDryRun(w, p.id, { contentHash: 'a'.repeat(64) });
  const other = await execute(p.id, w.key, idem).expect(412);
  expect(other.body.details).toEqual([expect.objectContaining({ loc: ['last_dry_run', 'content_hash'], type: 'stale_content' })]);

  await fakeDryRun(w, p.id, { minutesAgo: 16 });
  const stale = await execute(p.id, w.key, idem).expect(412);
  expect(stale.body.details).toEqual([expect.objectContaining({ loc: ['last_dry_run', 'at'], type: 'expired' })]);
  expect(await runsOf(p.id)).toBe(0);
  expect((await getPatch(p.id)).status).toBe('draft');

  // 14 minutes is recent enough; the same key, refused before, now starts the run.
  await fakeDryRun(w, p.id, { minutesAgo: 14 });
  const ok = await execute(p.id, w.key, idem).expect(202);
  expect((await finishedRun(w, ok.body.id)).status).toBe('succeeded');
});

it('ROW_COUNT_GUARD (over max_rows, and a count other than expected_rows): the run fails, the target unchanged, the patch failed — then it can be fixed and executed', async () => {
  const original = await tableChecksum(target, 'public.items');
  for (const over of [{ maxRows: 50 }, { maxRows: 1000, expectedRows: 99 }]) {
    const p = await seedPatch(w, { where: "kind = 'old' AND id > 300", set: { note: 'guarded' }, ...over });
    await dryRunThroughApi(w, p.id);
    const res = await execute(p.id).expect(202);
    const run = await finishedRun(w, res.body.id);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'ROW_COUNT_GUARD' } });
    expect(await tableChecksum(target, 'public.items')).toEqual(original);
    expect((await getPatch(p.id)).status).toBe('failed');
    const events = (await w.h.api.get(`/api/v1/runs/${run.id}/events`).set('X-API-Key', w.key).expect(200)).body.items;
    expect(events).toContainEqual(expect.objectContaining({ level: 'error', data: expect.objectContaining({ code: 'ROW_COUNT_GUARD' }) }));
    const { rows } = await w.h.db.query(`SELECT state, error_code FROM patch_executions WHERE patch_id = $1`, [p.id]);
    expect(rows).toEqual([{ state: 'aborted', error_code: 'ROW_COUNT_GUARD' }]);
  }
  // A failed patch is changed again (a draft once more), dry-run, and executed.
  const p = await seedPatch(w, { table: 'public.scratch', where: 'id <= 5', set: { note: 'fixed' }, maxRows: 2 });
  await dryRunThroughApi(w, p.id);
  expect((await finishedRun(w, (await execute(p.id).expect(202)).body.id)).error.code).toBe('ROW_COUNT_GUARD');
  const fixed = await w.h.api.patch(`/api/v1/patches/${p.id}`).set('X-API-Key', w.key).send({ max_rows: 5 }).expect(200);
  expect(fixed.body.status).toBe('draft');
  expect((await execute(p.id).expect(412)).body.details[0].loc).toEqual(['last_dry_run', 'content_hash']);
  await dryRunThroughApi(w, p.id);
  expect((await finishedRun(w, (await execute(p.id).expect(202)).body.id)).status).toBe('succeeded');
  expect(await notedIds('public.scratch')).toEqual([1, 2, 3, 4, 5]);
  expect((await getPatch(p.id)).status).toBe('executed');
});

it('401, 403 without patches:execute or as a viewer, 404 out of reach (other organisation, other project, unknown); a developer may', async () => {
  const p = await seedPatch(w, { table: 'public.scratch', where: 'id = 20', set: { note: 'dev' } });
  await fakeDryRun(w, p.id, { affectedRows: 1 });
  const theirs = await seedPatch(w, { orgId: w.other.orgId, projectId: w.other.projectId, connectionId: w.other.connectionId });
  await w.h.api.post(`/api/v1/patches/${p.id}/execute`).set('Idempotency-Key', randomUUID()).expect(401);
  expect((await execute(p.id, w.writeKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  expect((await execute(p.id, w.readKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  expect((await asSession(w.h.api.post(`/api/v1/patches/${p.id}/execute`), w.viewer).set('Idempotency-Key', randomUUID()).expect(403)).body.code).toBe('FORBIDDEN');
  await execute(theirs.id).expect(404);
  await execute(theirs.id, w.other.key).expect(412); // theirs, in their own reach: it is only missing a dry-run
  await execute(p.id, w.other.key).expect(404);
  await execute(p.id, w.otherProjectKey).expect(404);
  await execute(randomUUID()).expect(404);
  expect(await runsOf(p.id)).toBe(0);
  expect((await getPatch(p.id)).status).toBe('draft');

  const dev = await asSession(w.h.api.post(`/api/v1/patches/${p.id}/execute`), w.developer).set('Idempotency-Key', randomUUID()).expect(202);
  expect(dev.body.created_by.type).toBe('user');
  expect((await finishedRun(w, dev.body.id)).status).toBe('succeeded');
  expect((await target.query('SELECT note FROM public.scratch WHERE id = 20')).rows[0].note).toBe('dev');
});
