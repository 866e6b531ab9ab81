// POST /api/v1/connections/{id}/introspect: 202 with Location and the queued run, executed by the
// real worker on a real target database; Idempotency-Key replays; tenant and project reach.
import { insertSession } from '../helpers/battery-world';
import type { TestDatabase } from '../helpers/db';
import { createApiKey, createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { addProjectMember, createConnection, createProject, createTargetDatabase, startTestWorker, waitFor } from './runs-support';

let h: Harness;
let target: TestDatabase;
let orgId: string;
let projectId: string;
let connectionId: string;
let key: { id: string; key: string };

beforeAll(async () => {
  h = await startHarness();
  target = await createTargetDatabase();
  orgId = (await createOrg(h.db)).id;
  projectId = await createProject(h.db, orgId);
  connectionId = await createConnection(h.db, orgId, projectId, target);
  key = await createApiKey(h.db, { orgId, scopes: ['connections:write', 'runs:read'] });
});
afterAll(async () => {
  await target.drop();
  await h.close();
});

const introspect = (id: string, idempotencyKey?: string) => {
  const t = h.api.post(`/api/v1/connections/${id}/introspect`).set('X-API-Key', key.key);
  return idempotencyKey ? t.set('Idempotency-Key', idempotencyKey) : t;
};

it('202: Location and the queued run; a worker then runs it to succeeded on the target', async () => {
  const res = await introspect(connectionId).expect(202);
  const run = res.body;
  expect(res.headers.location).toBe(`/api/v1/runs/${run.id}`);
  expect(res.headers['idempotent-replayed']).toBeUndefined();
  expect(run).toEqual({
    id: expect.any(String),
    project_id: projectId,
    kind: 'introspect',
    subject: { type: 'connection', id: connectionId },
    status: 'queued',
    progress: null,
    result: null,
    error: null,
    created_by: { type: 'api_key', id: key.id },
    created_at: expect.any(String),
    started_at: null,
    finished_at: null,
    cancel_requested_at: null,
  });
  const { rows } = await h.db.query('SELECT org_id, status, attempts FROM runs WHERE id = $1', [run.id]);
  expect(rows[0]).toEqual({ org_id: orgId, status: 'queued', attempts: 0 });

  const worker = startTestWorker(h.db);
  try {
    const done = await waitFor(async () => {
      const body = (await h.api.get(`/api/v1/runs/${run.id}`).set('X-API-Key', key.key).expect(200)).body;
      return body.status === 'succeeded' ? body : undefined;
    }, 'the introspect run to succeed');
    expect(done.result).toEqual(expect.any(Object));
    expect(done.error).toBeNull();
    expect(done.started_at).not.toBeNull();
    expect(done.finished_at).not.toBeNull();
  } finally {
    await worker.stop();
  }
  const { rows: after } = await h.db.query('SELECT attempts, claimed_by, lease_until FROM runs WHERE id = $1', [run.id]);
  expect(after[0]).toEqual({ attempts: 1, claimed_by: null, lease_until: null });
});

it('Idempotency-Key: the same request replays the original 202 (same run, nothing new); another request with the key is a 409', async () => {
  const idem = `key-${Date.now()}`;
  const first = await introspect(connectionId, idem).expect(202);
  const count = async () => (await h.db.query('SELECT count(*)::int AS n FROM runs WHERE subject_id = $1', [connectionId])).rows[0].n;
  const before = await count();
  const replay = await introspect(connectionId, idem).expect(202);
  expect(replay.body).toEqual(first.body);
  expect(replay.headers.location).toBe(first.headers.location);
  expect(replay.headers['idempotent-replayed']).toBe('true');
  expect(await count()).toBe(before);

  // The same key for another connection (another request): 409, nothing started.
  const otherConnection = await createConnection(h.db, orgId, projectId, target);
  const conflict = await introspect(otherConnection, idem).expect(409);
  expect(conflict.body.code).toBe('CONFLICT');
  expect(conflict.body.details).toContainEqual(expect.objectContaining({ loc: ['header', 'Idempotency-Key'] }));
  const { rows } = await h.db.query('SELECT count(*)::int AS n FROM runs WHERE subject_id = $1', [otherConnection]);
  expect(rows[0].n).toBe(0);

  // Keys are the credential's own: another key with the same value starts its own run.
  const other = await createApiKey(h.db, { orgId, scopes: ['connections:write'] });
  const own = await h.api.post(`/api/v1/connections/${connectionId}/introspect`).set('X-API-Key', other.key).set('Idempotency-Key', idem).expect(202);
  expect(own.body.id).not.toBe(first.body.id);

  // Kept 24 h: an expired key is free again.
  await h.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [idem]);
  const fresh = await introspect(connectionId, idem).expect(202);
  expect(fresh.body.id).not.toBe(first.body.id);
  expect(fresh.headers['idempotent-replayed']).toBeUndefined();
});

it('concurrent requests with one key start one run', async () => {
  const idem = `race-${Date.now()}`;
  const answers = await Promise.all([1, 2, 3].map(() => introspect(connectionId, idem).expect(202)));
  expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
});

it('another organisation\'s connection, or a project the member has no role in: 404; a viewer: 403', async () => {
  const other = (await createOrg(h.db)).id;
  const foreign = await createConnection(h.db, other, await createProject(h.db, other), target);
  await introspect(foreign).expect(404);
  const { rows } = await h.db.query('SELECT count(*)::int AS n FROM runs WHERE subject_id = $1', [foreign]);
  expect(rows[0].n).toBe(0);

  const member = await createUser(h.db, { orgId, role: 'member' });
  const session = await insertSession(h.db, member.id, orgId);
  const asMember = () => h.api.post(`/api/v1/connections/${connectionId}/introspect`).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf);
  await asMember().expect(404);
  await addProjectMember(h.db, orgId, projectId, member.id, 'viewer');
  expect((await asMember().expect(403)).body.code).toBe('FORBIDDEN');
  await h.db.query('UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2', [projectId, member.id, 'developer']);
  const res = await asMember().expect(202);
  expect(res.body.created_by).toEqual({ type: 'user', id: member.id });
});

it('a malformed Idempotency-Key is a 400 naming the header', async () => {
  const res = await introspect(connectionId, 'x'.repeat(256)).expect(400);
  expect(res.body.details).toContainEqual(expect.objectContaining({ loc: ['header', 'idempotency-key'] }));
});
