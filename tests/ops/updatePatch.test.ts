// PATCH /api/v1/patches/{id}: drafts only; the merged patch is checked again and its hash recomputed.
import { randomUUID } from 'node:crypto';
import { insertApprovalRow } from '../helpers/ops-factories';
import { asSession, seedPatch, startPatchWorld, type PatchWorld } from './patches-support';

let w: PatchWorld;
beforeAll(async () => {
  w = await startPatchWorld();
});
afterAll(() => w.close());

const patch = (id: string, body: unknown, key = w.key) => w.h.api.patch(`/api/v1/patches/${id}`).set('X-API-Key', key).send(body as object);
const stored = async (id: string) => (await w.h.db.query('SELECT name, where_input, where_sql, content_hash, operation, set_values FROM patches WHERE id = $1', [id])).rows[0];

it('200: the changed fields, the where canonical again, a new hash; the others kept; an audit event', async () => {
  const p = await seedPatch(w, { name: 'before', where: 'id < 10' });
  const res = await patch(p.id, { where: "note is null and id between 1 and 5", expected_rows: 5 }).expect(200);
  expect(res.body).toMatchObject({ id: p.id, name: 'before', where: 'note IS NULL AND id BETWEEN 1 AND 5', where_input: 'note is null and id between 1 and 5', expected_rows: 5, set: { note: 'x' }, status: 'draft' });
  expect(res.body.content_hash).toMatch(/^[0-9a-f]{64}$/);
  expect(res.body.content_hash).not.toBe(p.content_hash);
  expect(await stored(p.id)).toMatchObject({ where_sql: 'note IS NULL AND id BETWEEN 1 AND 5', content_hash: res.body.content_hash });
  // A rename alone keeps the hash (the name is not part of what runs).
  const renamed = await patch(p.id, { name: 'after' }).expect(200);
  expect(renamed.body).toMatchObject({ name: 'after', content_hash: res.body.content_hash });
  const audit = await w.h.db.query(`SELECT metadata FROM audit_events WHERE target_id = $1 AND action = 'patch.updated'`, [p.id]);
  expect(audit.rows.map((r) => r.metadata)).toEqual(expect.arrayContaining([
    { project_id: w.projectId, changed: ['where', 'expected_rows'], content_hash: res.body.content_hash, previous_content_hash: p.content_hash },
    { project_id: w.projectId, changed: ['name'], content_hash: res.body.content_hash, previous_content_hash: res.body.content_hash },
  ]));
  expect(audit.rows).toHaveLength(2);
});

it('a table whose schema is a keyword survives an update that does not touch it', async () => {
  const p = await seedPatch(w, { table: '"select"."Items"' });
  const res = await patch(p.id, { name: 'kept table' }).expect(200);
  expect(res.body).toMatchObject({ name: 'kept table', content_hash: p.content_hash });
  // Shown quoted where PostgreSQL needs it (a keyword, upper case), so it can be sent back as is.
  expect(res.body.table).toBe('"select"."Items"');
  const back = await patch(p.id, { table: res.body.table }).expect(200);
  expect(back.body).toMatchObject({ table: '"select"."Items"', content_hash: p.content_hash });
  // A name that reads back unquoted stays bare.
  const plain = await seedPatch(w, { table: 'Shop.items' });
  expect((await patch(plain.id, { name: 'plain' }).expect(200)).body.table).toBe('shop.items');
});

it('switching to a delete drops the values; a console developer may change it', async () => {
  const p = await seedPatch(w);
  const res = await asSession(w.h.api.patch(`/api/v1/patches/${p.id}`), w.developer).send({ operation: 'delete' }).expect(200);
  expect(res.body).toMatchObject({ operation: 'delete', set: {} });
});

it.each([
  ['a breakout', { where: 'true) OR (1=1' }, ['body', 'where']],
  ['a second statement', { where: '1=1; DROP TABLE x' }, ['body', 'where']],
  ['a side effect', { where: 'pg_sleep(1) IS NULL' }, ['body', 'where']],
  ['a bad table', { table: 'nope' }, ['body', 'table']],
  ['expected_rows over max_rows', { max_rows: 5, expected_rows: 6 }, ['body', 'expected_rows']],
  ['an empty body', {}, ['body']],
  ['connection_id (a patch stays on its connection)', { connection_id: randomUUID() }, ['body', 'connection_id']],
])('400 for %s, naming the field; nothing changed', async (_what, body, loc) => {
  const p = await seedPatch(w);
  const before = await stored(p.id);
  const res = await patch(p.id, body).expect(400);
  expect(res.body.code).toBe('VALIDATION_ERROR');
  expect(res.body.details).toContainEqual(expect.objectContaining({ loc }));
  expect(await stored(p.id)).toEqual(before);
});

it.each(['pending_approval', 'approved'])('a %s patch can be changed: a new hash returns it to draft and supersedes its open and granted requests', async (status) => {
  const p = await seedPatch(w, { status });
  const open = await insertApprovalRow(w.h.db, w.orgId, w.projectId, p.id, { status: status === 'approved' ? 'approved' : 'pending' });
  const rollback = await insertApprovalRow(w.h.db, w.orgId, w.projectId, p.id, { action: 'patch.rollback' });
  const rejected = await insertApprovalRow(w.h.db, w.orgId, w.projectId, p.id, { status: 'rejected', subjectHash: 'c'.repeat(64) });
  const res = await patch(p.id, { where: 'id < 20' }).expect(200);
  expect(res.body).toMatchObject({ status: 'draft', where: 'id < 20' });
  const { rows } = await w.h.db.query('SELECT id, status FROM approval_requests WHERE subject_id = $1', [p.id]);
  expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [open.id]: 'superseded', [rollback.id]: 'superseded', [rejected.id]: 'rejected' });
  const audit = await w.h.db.query(`SELECT metadata FROM audit_events WHERE target_id = $1 AND action = 'patch.updated'`, [p.id]);
  expect(audit.rows[0].metadata).toMatchObject({ superseded_approvals: 2 });
});

it('a change that keeps the hash (a rename) keeps the status and the approval', async () => {
  const p = await seedPatch(w, { status: 'approved' });
  const approval = await insertApprovalRow(w.h.db, w.orgId, w.projectId, p.id, { status: 'approved' });
  expect((await patch(p.id, { name: 'renamed' }).expect(200)).body).toMatchObject({ status: 'approved', content_hash: p.content_hash });
  expect((await w.h.db.query('SELECT status FROM approval_requests WHERE id = $1', [approval.id])).rows[0].status).toBe('approved');
});

it('409 past draft, nothing changed', async () => {
  const p = await seedPatch(w, { status: 'executed' });
  const res = await patch(p.id, { where: 'id = 1' }).expect(409);
  expect(res.body).toMatchObject({ code: 'CONFLICT', error: 'Only a patch not yet executed can be changed; this one is executed' });
  expect((await stored(p.id)).where_input).toBe('id < 10');
});

it('404 out of reach, 401 without a credential, 403 without patches:write or as a viewer', async () => {
  const p = await seedPatch(w);
  const theirs = await seedPatch(w, { orgId: w.other.orgId, projectId: w.other.projectId, connectionId: w.other.connectionId });
  await patch(theirs.id, { name: 'x' }).expect(404);
  await patch(p.id, { name: 'x' }, w.otherProjectKey).expect(404);
  await patch(randomUUID(), { name: 'x' }).expect(404);
  await w.h.api.patch(`/api/v1/patches/${p.id}`).send({ name: 'x' }).expect(401);
  expect((await patch(p.id, { name: 'x' }, w.readKey).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  expect((await asSession(w.h.api.patch(`/api/v1/patches/${p.id}`), w.viewer).send({ name: 'x' }).expect(403)).body.code).toBe('FORBIDDEN');
  expect((await stored(p.id)).name).not.toBe('x');
});

it('413 over the body limit, 415 for a body that is not JSON', async () => {
  const p = await seedPatch(w);
  await patch(p.id, { where: `note = '${'x'.repeat(200_000)}'` }).expect(413);
  await w.h.api.patch(`/api/v1/patches/${p.id}`).set('X-API-Key', w.key).set('Content-Type', 'text/plain').send('name=x').expect(415);
});
