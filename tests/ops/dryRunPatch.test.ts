// POST /api/v1/patches/{id}/dry-run: 202 + Location; the real worker runs the patch's statement on
// a real target database and rolls it back — the table's checksum is unchanged, the exact count
// and samples land on the patch's last_dry_run and the run's result.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { asSession, seedPatch, startPatchWorld, type PatchWorld } from './patches-support';
import { startTestWorker, waitFor } from './runs-support';

let w: PatchWorld;
let target: pg.Client;
const checksum = async (table = 'public.items') =>
  (await target.query(`SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS sum, count(*)::int AS n FROM ${table} t`)).rows[0];

beforeAll(async () => {
  w = await startPatchWorld({ target: true });
  target = new pg.Client({ connectionString: w.target!.url });
  target.on('error', () => undefined);
  await target.connect();
  await target.query(`CREATE TABLE public.items (id int PRIMARY KEY, kind text NOT NULL, note text);
    INSERT INTO public.items SELECT g, CASE WHEN g % 3 = 0 THEN 'old' ELSE 'new' END, NULL FROM generate_series(1, 3000) g;
    CREATE TABLE public.keyless (id int, note text); INSERT INTO public.keyless VALUES (1, NULL);`);
});
afterAll(async () => {
  await target.end();
  await w.close();
});

const dryRun = (id: string, key = w.key, idem?: string) => {
  const t = w.h.api.post(`/api/v1/patches/${id}/dry-run`).set('X-API-Key', key);
  return idem ? t.set('Idempotency-Key', idem) : t;
};
const finished = (runId: string) =>
  waitFor(async () => {
    const body = (await w.h.api.get(`/api/v1/runs/${runId}`).set('X-API-Key', w.key).expect(200)).body;
    return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
  }, `run ${runId} to finish`);

it('202 → the worker dry-runs on the target: exact count and samples recorded, the table unchanged', async () => {
  const p = await seedPatch(w, { where: "kind = 'old' AND id <= 1500", set: { note: 'closed' }, maxRows: 1000, expectedRows: 500 });
  const before = await checksum();
  const res = await dryRun(p.id).expect(202);
  expect(res.headers.location).toBe(`/api/v1/runs/${res.body.id}`);
  expect(res.body).toMatchObject({ kind: 'patch.dry_run', subject: { type: 'patch', id: p.id }, status: 'queued', project_id: w.projectId, created_by: { type: 'api_key', id: w.keyId } });

  const worker = startTestWorker(w.h.db);
  let run;
  try {
    run = await finished(res.body.id);
  } finally {
    await worker.stop();
  }
  expect(run.status).toBe('succeeded');
  expect(run.result).toMatchObject({ patch_id: p.id, content_hash: p.content_hash, affected_rows: 500, max_rows: 1000, expected_rows: 500, within_max_rows: true, matches_expected: true, key: ['id'] });
  expect(await checksum()).toEqual(before);
  expect((await target.query(`SELECT count(*)::int AS n FROM public.items WHERE note IS NOT NULL`)).rows[0].n).toBe(0);

  const patch = (await w.h.api.get(`/api/v1/patches/${p.id}`).set('X-API-Key', w.key).expect(200)).body;
  expect(patch.status).toBe('draft');
  expect(patch.last_dry_run).toEqual({ run_id: res.body.id, content_hash: p.content_hash, affected_rows: 500, samples: expect.any(Array), at: expect.any(String) });
  expect(patch.last_dry_run.samples).toHaveLength(20);
  expect(patch.last_dry_run.samples[0]).toEqual({ pk: { id: 3 }, before: { id: 3, kind: 'old', note: null }, after: { id: 3, kind: 'old', note: 'closed' } });
  expect(new Date(patch.last_dry_run.at).getTime()).toBeGreaterThanOrEqual(new Date(run.started_at).getTime() - 1000);
  expect(run.result.samples).toEqual(patch.last_dry_run.samples);
});

it('a target refusal fails the run with the engine’s code; last_dry_run stays null; the table unchanged', async () => {
  const p = await seedPatch(w, { table: 'public.keyless', where: 'id = 1' });
  const before = await checksum('public.keyless');
  const res = await dryRun(p.id).expect(202);
  const worker = startTestWorker(w.h.db);
  let run;
  try {
    run = await finished(res.body.id);
  } finally {
    await worker.stop();
  }
  expect(run.status).toBe('failed');
  expect(run.error.code).toBe('NO_ROW_KEY');
  const events = (await w.h.api.get(`/api/v1/runs/${run.id}/events`).set('X-API-Key', w.key).expect(200)).body.items;
  expect(events).toContainEqual(expect.objectContaining({ level: 'error', data: expect.objectContaining({ code: 'NO_ROW_KEY', field: 'table' }) }));
  expect((await w.h.db.query('SELECT last_dry_run FROM patches WHERE id = $1', [p.id])).rows[0].last_dry_run).toBeNull();
  expect(await checksum('public.keyless')).toEqual(before);
});

it('Idempotency-Key: the same request replays the 202 (one run); the key on another patch is a 409', async () => {
  const p = await seedPatch(w);
  const q = await seedPatch(w);
  const idem = randomUUID();
  const runs = async (id: string) => (await w.h.db.query(`SELECT count(*)::int AS n FROM runs WHERE subject_id = $1`, [id])).rows[0].n;
  const first = await dryRun(p.id, w.key, idem).expect(202);
  const again = await dryRun(p.id, w.key, idem).expect(202);
  expect(again.body).toEqual(first.body);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(await runs(p.id)).toBe(1);
  const conflict = await dryRun(q.id, w.key, idem).expect(409);
  expect(conflict.body.details).toContainEqual(expect.objectContaining({ loc: ['header', 'Idempotency-Key'] }));
  expect(await runs(q.id)).toBe(0);
});

it('409 for a patch that was executed; nothing queued', async () => {
  const p = await seedPatch(w, { status: 'executed' });
  expect((await dryRun(p.id).expect(409)).body.code).toBe('CONFLICT');
  expect((await w.h.db.query(`SELECT count(*)::int AS n FROM runs WHERE subject_id = $1`, [p.id])).rows[0].n).toBe(0);
});

it('404 out of reach, 400 malformed, 401 without a credential, 403 without patches:write or as a viewer; a developer may', async () => {
  const p = await seedPatch(w);
  const theirs = await seedPatch(w, { orgId: w.other.orgId, projectId: w.other.projectId, connectionId: w.other.connectionId });
  await dryRun(theirs.id).expect(404);
  await dryRun(p.id, w.otherProjectKey).expect(404);
  await dryRun(randomUUID()).expect(404);
  await dryRun('1').expect(400);
  await w.h.api.post(`/api/v1/patches/${p.id}/dry-run`).expect(401);
  await dryRun(p.id, w.readKey).expect(403);
  expect((await asSession(w.h.api.post(`/api/v1/patches/${p.id}/dry-run`), w.viewer).expect(403)).body.code).toBe('FORBIDDEN');
  expect((await w.h.db.query(`SELECT count(*)::int AS n FROM runs WHERE subject_id = ANY($1)`, [[p.id, theirs.id]])).rows[0].n).toBe(0);
  const dev = await asSession(w.h.api.post(`/api/v1/patches/${p.id}/dry-run`), w.developer).expect(202);
  expect(dev.body.created_by.type).toBe('user');
  // Leave no queued run behind for the other tests' workers.
  await w.h.db.query(`UPDATE runs SET status = 'cancelled', finished_at = now() WHERE id = $1`, [dev.body.id]);
});
