// GET /api/v1/connections/{id}/schema: the latest snapshot the introspect executor stored. The
// connection and run rows are inserted directly (their endpoints belong to other parts of issue
// 17); the snapshots are real, taken by the executor from a fixture target.
import { fingerprintOf } from '../../handlers/ops/introspection/fingerprint';
import { introspect } from '../../handlers/ops/introspection/run-introspect';
import { createApiKey, createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import {
  createTarget, insertConnection, insertIntrospectRun, insertProject, recordingRunContext,
} from '../helpers/introspection-fixture';

describe('GET /api/v1/connections/{id}/schema', () => {
  let h: Harness;
  let target: Awaited<ReturnType<typeof createTarget>>;
  let org: string;
  let key: string;
  let project: string;
  let connection: string;
  let other: { org: string; key: string; connection: string };
  const url = (id: string) => `/api/v1/connections/${id}/schema`;

  async function runIntrospection(orgId: string, projectId: string, connectionId: string) {
    const runId = await insertIntrospectRun(h.db, orgId, projectId, connectionId);
    const rc = recordingRunContext(h.db, { id: runId, orgId, projectId, subjectId: connectionId });
    try {
      return { runId, result: await introspect(rc) };
    } finally {
      await rc.end();
    }
  }

  beforeAll(async () => {
    h = await startHarness();
    target = await createTarget({ fixture: true });
    org = (await createOrg(h.db)).id;
    key = (await createApiKey(h.db, { orgId: org, scopes: ['connections:read'] })).key;
    project = await insertProject(h.db, org);
    connection = await insertConnection(h.db, org, project, target);
    const otherOrg = (await createOrg(h.db)).id;
    const otherProject = await insertProject(h.db, otherOrg);
    other = {
      org: otherOrg,
      key: (await createApiKey(h.db, { orgId: otherOrg, scopes: ['connections:read'] })).key,
      connection: await insertConnection(h.db, otherOrg, otherProject, target),
    };
    await runIntrospection(otherOrg, otherProject, other.connection);
  });
  afterAll(async () => {
    await h.close();
    await target.drop();
  });

  it('404 before the first introspection, saying to run one; nothing is written', async () => {
    const before = await h.db.query(`SELECT count(*)::int AS n FROM schema_snapshots`);
    const res = await h.api.get(url(connection)).set('X-API-Key', key).expect(404);
    expect(res.body).toMatchObject({ success: false, code: 'NOT_FOUND', error: expect.stringContaining('run an introspection') });
    expect(res.body.error).toContain('/introspect');
    expect((await h.db.query(`SELECT count(*)::int AS n FROM schema_snapshots`)).rows[0].n).toBe(before.rows[0].n);
  });

  it('answers the stored snapshot, whose fingerprint the client can recompute from `schema`', async () => {
    const { runId, result } = await runIntrospection(org, project, connection);
    const res = await h.api.get(url(connection)).set('X-API-Key', key).expect(200);
    expect(res.headers['x-request-id']).toBeTruthy();
    const { rows } = await h.db.query(`SELECT created_at, server_version FROM schema_snapshots WHERE id = $1`, [result.snapshot_id]);
    expect(res.body).toEqual({
      connection_id: connection,
      snapshot_id: result.snapshot_id,
      run_id: runId,
      fingerprint: result.fingerprint,
      server_version: rows[0].server_version,
      created_at: rows[0].created_at.toISOString(),
      schema: expect.objectContaining({ format: 1 }),
    });
    expect(fingerprintOf(res.body.schema)).toBe(res.body.fingerprint);
    expect(res.body.schema.enums).toEqual([{ schema: 'shop', name: 'order_status', labels: ['new', 'paid', 'shipped'], comment: null }]);
    expect(res.body.schema.tables.map((t: { name: string }) => t.name)).toEqual(['events', 'events_2026', 'cart_items', 'customers', 'gift_items', 'orders']);
    // The same through Bearer.
    expect((await h.api.get(url(connection)).set('Authorization', `Bearer ${key}`).expect(200)).body).toEqual(res.body);
  });

  it('answers the latest snapshot once the target changed and was introspected again', async () => {
    const first = (await h.api.get(url(connection)).set('X-API-Key', key).expect(200)).body;
    await target.query(`CREATE INDEX customers_name_idx ON shop.customers (name)`);
    try {
      const { runId, result } = await runIntrospection(org, project, connection);
      const res = await h.api.get(url(connection)).set('X-API-Key', key).expect(200);
      expect(res.body).toMatchObject({ snapshot_id: result.snapshot_id, run_id: runId, fingerprint: result.fingerprint });
      expect(res.body.fingerprint).not.toBe(first.fingerprint);
      expect(res.body.schema.indexes.map((i: { name: string }) => i.name)).toContain('customers_name_idx');
    } finally {
      await target.query(`DROP INDEX shop.customers_name_idx`);
    }
  });

  it('run_id is null once its run is gone; the snapshot stays', async () => {
    const { runId, result } = await runIntrospection(org, project, connection);
    await h.db.query(`DELETE FROM runs WHERE id = $1`, [runId]);
    const res = await h.api.get(url(connection)).set('X-API-Key', key).expect(200);
    expect(res.body).toMatchObject({ snapshot_id: result.snapshot_id, run_id: null });
  });

  it('another organisation’s connection is not found (404), like an id that exists nowhere', async () => {
    const foreign = await h.api.get(url(other.connection)).set('X-API-Key', key).expect(404);
    expect(foreign.body).toMatchObject({ code: 'NOT_FOUND', error: 'Connection not found' });
    const nowhere = await h.api.get(url('00000000-0000-4000-8000-000000000000')).set('X-API-Key', key).expect(404);
    expect(nowhere.body).toMatchObject({ code: 'NOT_FOUND', error: 'Connection not found' });
    // …while its own organisation reads it.
    expect((await h.api.get(url(other.connection)).set('X-API-Key', other.key).expect(200)).body.connection_id).toBe(other.connection);
  });

  it('console users: owners and admins read it; a member needs a role in the project (else 404)', async () => {
    const owner = await signIn(h.api, await createUser(h.db, { orgId: org, role: 'owner' }));
    const admin = await signIn(h.api, await createUser(h.db, { orgId: org, role: 'admin' }));
    const memberUser = await createUser(h.db, { orgId: org, role: 'member' });
    const member = await signIn(h.api, memberUser);
    await h.api.get(url(connection)).set('Cookie', owner.cookie).expect(200);
    await h.api.get(url(connection)).set('Cookie', admin.cookie).expect(200);
    const out = await h.api.get(url(connection)).set('Cookie', member.cookie).expect(404);
    expect(out.body).toMatchObject({ code: 'NOT_FOUND', error: 'Connection not found' });
    await h.db.query(`INSERT INTO project_members (org_id, project_id, user_id, role) VALUES ($1, $2, $3, 'viewer')`, [org, project, memberUser.id]);
    await h.api.get(url(connection)).set('Cookie', member.cookie).expect(200);
  });

  it('a key without connections:read → 403 INSUFFICIENT_SCOPE; no credential → 401; a malformed id → 400 naming it', async () => {
    const { key: noScope } = await createApiKey(h.db, { orgId: org, scopes: ['projects:read', 'runs:read'] });
    const forbidden = await h.api.get(url(connection)).set('X-API-Key', noScope).expect(403);
    expect(forbidden.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', error: expect.stringContaining('connections:read') });
    const anonymous = await h.api.get(url(connection)).expect(401);
    expect(anonymous.body.code).toBe('UNAUTHORIZED');
    const bad = await h.api.get(url('not-a-uuid')).set('X-API-Key', key).expect(400);
    expect(bad.body.code).toBe('VALIDATION_ERROR');
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  });
});
