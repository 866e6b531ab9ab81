// POST /api/v1/patches: a draft checked by the engine before anything is stored — breakouts,
// second statements and side effects in `where` are 400s naming `where`; stored canonical, hashed.
import { randomUUID } from 'node:crypto';
import { canonicalizePatch, contentHash } from '../../handlers/ops/patches/engine';
import { asSession, countPatches, patchBody, startPatchWorld, type PatchWorld } from './patches-support';

let w: PatchWorld;
beforeAll(async () => {
  w = await startPatchWorld();
});
afterAll(() => w.close());

const post = (body: unknown, key = w.key) => w.h.api.post('/api/v1/patches').set('X-API-Key', key).send(body as object);

it('201: the draft, its where canonical, its hash the engine’s; stored with an audit event', async () => {
  const res = await post(patchBody(w.connectionId)).expect(201);
  const expected = await canonicalizePatch({ ...patchBody(w.connectionId), operation: 'update' });
  expect(res.body).toEqual({
    id: expect.any(String),
    project_id: w.projectId,
    connection_id: w.connectionId,
    name: 'Close old carts',
    table: 'public.items',
    operation: 'update',
    set: { note: 'closed' },
    where: "kind = 'old' AND id < 100",
    where_input: "kind = 'old' and id < 100",
    allow_all_rows: false,
    max_rows: 1000,
    expected_rows: null,
    status: 'draft',
    content_hash: contentHash(expected),
    last_dry_run: null,
    created_by: null,
    created_at: expect.any(String),
    updated_at: expect.any(String),
  });
  const { rows } = await w.h.db.query('SELECT org_id, table_schema, table_name, where_sql, content_hash FROM patches WHERE id = $1', [res.body.id]);
  expect(rows[0]).toEqual({ org_id: w.orgId, table_schema: 'public', table_name: 'items', where_sql: "kind = 'old' AND id < 100", content_hash: res.body.content_hash });
  const audit = await w.h.db.query('SELECT actor_type, action, metadata FROM audit_events WHERE target_id = $1', [res.body.id]);
  expect(audit.rows).toEqual([{ actor_type: 'api_key', action: 'patch.created', metadata: { project_id: w.projectId, connection_id: w.connectionId, name: 'Close old carts', content_hash: res.body.content_hash } }]);
});

it('a delete, an all-rows patch with its flag, expected_rows, quoted names; a console developer is created_by', async () => {
  const del = await post(patchBody(w.connectionId, { operation: 'delete', set: undefined, where: '', allow_all_rows: true, expected_rows: 3, table: 'Public."My Items"' })).expect(201);
  expect(del.body).toMatchObject({ operation: 'delete', set: {}, where: 'TRUE', where_input: '', allow_all_rows: true, expected_rows: 3, table: 'public."My Items"' });
  const dev = await asSession(w.h.api.post('/api/v1/patches'), w.developer).send(patchBody(w.connectionId)).expect(201);
  const { rows } = await w.h.db.query('SELECT user_id FROM sessions WHERE token_hash IS NOT NULL AND user_id = $1', [dev.body.created_by]);
  expect(rows).toHaveLength(1);
});

it.each([
  ['a breakout', { where: 'true) OR (1=1' }, ['body', 'where']],
  ['a second statement', { where: '1=1; DROP TABLE x' }, ['body', 'where']],
  ['a side effect', { where: 'pg_sleep(1) IS NULL' }, ['body', 'where']],
  ['a subquery', { where: 'id IN (SELECT id FROM public.secrets)' }, ['body', 'where']],
  ['an unterminated comment', { where: 'id = 1 /*' }, ['body', 'where']],
  ['every row without the flag', { where: '1=1' }, ['body', 'where']],
  ['no where without the flag', { where: undefined }, ['body', 'where']],
  ['a table without schema', { table: 'items' }, ['body', 'table']],
  ['a table with a second statement', { table: 'public.items; DROP TABLE x' }, ['body', 'table']],
  ['an update without set', { set: {} }, ['body', 'set']],
  ['a delete with set', { operation: 'delete' }, ['body', 'set']],
  ['a non-JSON-able set value', { set: { note: { deep: Array(40).fill(0).reduce((a) => [a], 1) } } }, ['body', 'set', 'note']],
  ['expected_rows over max_rows', { expected_rows: 5000 }, ['body', 'expected_rows']],
  ['max_rows over the limit', { max_rows: 1_000_001 }, ['body', 'max_rows']],
  ['an unknown operation', { operation: 'truncate' }, ['body', 'operation']],
  ['an unknown field', { sql: 'DELETE FROM x' }, ['body', 'sql']],
  ['no name', { name: undefined }, ['body', 'name']],
])('400 for %s, naming the field; nothing stored', async (_what, over, loc) => {
  const body: Record<string, unknown> = patchBody(w.connectionId, over);
  for (const [k, v] of Object.entries(over)) if (v === undefined) delete body[k];
  const before = await countPatches(w);
  const res = await post(body).expect(400);
  expect(res.body.code).toBe('VALIDATION_ERROR');
  expect(res.body.details).toContainEqual(expect.objectContaining({ loc }));
  expect(await countPatches(w)).toBe(before);
});

it('404 for a connection out of reach: another organisation’s, another project’s for a project key, unknown', async () => {
  const before = await countPatches(w);
  for (const [body, key] of [
    [patchBody(w.other.connectionId), w.key],
    [patchBody(w.connectionId), w.otherProjectKey],
    [patchBody(randomUUID()), w.key],
  ] as const) {
    expect((await post(body, key).expect(404)).body.error).toBe('Connection not found');
  }
  // The project key works in its own project.
  const own = await post(patchBody(w.otherConnectionId), w.otherProjectKey).expect(201);
  expect(own.body.project_id).toBe(w.otherProjectId);
  expect(await countPatches(w)).toBe(before + 1);
});

it('401 without a credential, 403 without patches:write or as a project viewer', async () => {
  await w.h.api.post('/api/v1/patches').send(patchBody(w.connectionId)).expect(401);
  expect((await post(patchBody(w.connectionId), w.readKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  await post(patchBody(w.connectionId), w.noPatchKey).expect(403);
  const viewer = await asSession(w.h.api.post('/api/v1/patches'), w.viewer).send(patchBody(w.connectionId)).expect(403);
  expect(viewer.body.code).toBe('FORBIDDEN');
});

it('413 over the body limit and 415 for a body that is not JSON, storing nothing', async () => {
  const before = await countPatches(w);
  await post(patchBody(w.connectionId, { where: `id = 1 OR note = '${'x'.repeat(200_000)}'` })).expect(413);
  await w.h.api.post('/api/v1/patches').set('X-API-Key', w.key).set('Content-Type', 'text/plain').send('where=1').expect(415);
  expect(await countPatches(w)).toBe(before);
});
