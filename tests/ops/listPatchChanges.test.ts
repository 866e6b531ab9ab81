// GET /api/v1/patches/{id}/changes: the row images of a patch's executions (and rollbacks), as
// the target rendered them — a numeric past 2^53 keeps every digit (the page's JSON is built in
// PostgreSQL and never parsed by JavaScript) — walked by cursor without skipping or repeating.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RunWorker } from '../../src/runs/worker';
import { asSession, dryRunThroughApi, finishedRun, seedPatch, startPatchWorld, targetClient, type PatchWorld } from './patches-support';
import { startTestWorker } from './runs-support';

let w: PatchWorld;
let target: pg.Client;
let worker: RunWorker;
let patchId: string;
let executionId: string;
let rollbackId: string;
const BIG = '123456789012345678901234567890.000000001';

beforeAll(async () => {
  w = await startPatchWorld({ target: true });
  target = await targetClient(w);
  await target.query(`CREATE TABLE public.items (id int PRIMARY KEY, kind text NOT NULL, note text, amount numeric, doc json);
    INSERT INTO public.items SELECT g, 'k', NULL, ${BIG}, '{"b": 1,  "a": 2}' FROM generate_series(1, 45) g;`);
  worker = startTestWorker(w.h.db);
  const p = await seedPatch(w, { where: 'id <= 30', set: { note: 'seen' }, maxRows: 100 });
  patchId = p.id;
  await dryRunThroughApi(w, p.id);
  const ex = await finishedRun(w, (await w.h.api.post(`/api/v1/patches/${p.id}/execute`).set('X-API-Key', w.key).set('Idempotency-Key', randomUUID()).expect(202)).body.id);
  executionId = ex.result.execution_id;
  await target.query(`UPDATE public.items SET note = 'later' WHERE id = 30`);
  const rb = await finishedRun(w, (await w.h.api.post(`/api/v1/patches/${p.id}/rollback`).set('X-API-Key', w.key).send({}).expect(202)).body.id);
  rollbackId = rb.result.execution_id;
});
afterAll(async () => {
  await worker.stop();
  await target.end();
  await w.close();
});

const changes = (query = '', key = w.key) => w.h.api.get(`/api/v1/patches/${patchId}/changes${query}`).set('X-API-Key', key);

it('lists the execute’s rows then the rollback’s, with their images as the target wrote them', async () => {
  const res = await changes('?limit=200').expect(200);
  expect(res.body).toMatchObject({ total: 59, limit: 200, offset: 0, next_cursor: null });
  expect(res.body.items.slice(0, 30).map((c: { kind: string; ord: number }) => [c.kind, c.ord])).toEqual(Array.from({ length: 30 }, (_, i) => ['execute', i + 1]));
  expect(res.body.items[0]).toEqual({
    execution_id: executionId, kind: 'execute', ord: 1, pk: { id: 1 },
    before: { id: 1, kind: 'k', note: null, amount: expect.any(Number), doc: { b: 1, a: 2 } },
    after: { id: 1, kind: 'k', note: 'seen', amount: expect.any(Number), doc: { b: 1, a: 2 } },
  });
  // The rollback restored 29 rows (id 30 changed since: a conflict, not a change).
  expect(res.body.items.slice(30).every((c: { execution_id: string; kind: string }) => c.execution_id === rollbackId && c.kind === 'rollback')).toBe(true);
  // The raw body keeps every digit and the json column's own text.
  expect(res.text).toContain(`"amount":${BIG}`);
  expect(res.text).toContain('"doc":{"b": 1,  "a": 2}');
  expect(res.headers['content-type']).toMatch(/^application\/json/);

  const only = await changes(`?execution_id=${rollbackId}`).expect(200);
  expect(only.body.total).toBe(29);
  expect((await changes(`?execution_id=${randomUUID()}`).expect(200)).body).toEqual({ items: [], total: 0, limit: 50, offset: 0, next_cursor: null });
});

it('a cursor walk returns every row once, in order; offset pages agree; bad cursors are 400s', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: { body: { items: Array<{ execution_id: string; ord: number }>; next_cursor: string | null } } = await changes(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
    seen.push(...res.body.items.map((c) => `${c.execution_id}:${c.ord}`));
    cursor = res.body.next_cursor;
    pages++;
  } while (cursor);
  expect(pages).toBe(9);
  expect(new Set(seen).size).toBe(59);
  const all = (await changes('?limit=200').expect(200)).body.items.map((c: { execution_id: string; ord: number }) => `${c.execution_id}:${c.ord}`);
  expect(seen).toEqual(all);
  const third = (await changes('?limit=7&offset=14').expect(200)).body.items.map((c: { execution_id: string; ord: number }) => `${c.execution_id}:${c.ord}`);
  expect(third).toEqual(all.slice(14, 21));

  const first = (await changes('?limit=7').expect(200)).body.next_cursor;
  const both = await changes(`?limit=7&offset=7&cursor=${first}`).expect(400);
  expect(both.body.details.map((d: { loc: string[] }) => d.loc)).toEqual([['query', 'cursor'], ['query', 'offset']]);
  expect((await changes('?cursor=bm90LWEtY3Vyc29y').expect(400)).body.details[0].loc).toEqual(['query', 'cursor']);
  await changes('?limit=201').expect(400);
});

it('needs patches:execute (a viewer or a patches:read key may not read whole rows); 401; 404 out of reach', async () => {
  expect((await changes('', w.readKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  expect((await changes('', w.writeKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  expect((await asSession(w.h.api.get(`/api/v1/patches/${patchId}/changes`), w.viewer).expect(403)).body.code).toBe('FORBIDDEN');
  expect((await asSession(w.h.api.get(`/api/v1/patches/${patchId}/changes`), w.developer).expect(200)).body.total).toBe(59);
  await w.h.api.get(`/api/v1/patches/${patchId}/changes`).expect(401);
  await changes('', w.other.key).expect(404);
  await changes('', w.otherProjectKey).expect(404);
  await w.h.api.get(`/api/v1/patches/${randomUUID()}/changes`).set('X-API-Key', w.key).expect(404);
  const theirs = await seedPatch(w, { orgId: w.other.orgId, projectId: w.other.projectId, connectionId: w.other.connectionId });
  expect((await w.h.api.get(`/api/v1/patches/${theirs.id}/changes`).set('X-API-Key', w.other.key).expect(200)).body.total).toBe(0);
});
