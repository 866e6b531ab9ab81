// The `introspect` executor's unit test: called with a RunContext built here (tests/helpers/
// introspection-fixture.ts) over a real target database and the real API database. The runs
// machinery (queue, worker, cancel) is src/runs/'s; the end-to-end run through the API
// (POST /connections/{id}/introspect → GET /runs/{id}) is tested with it.
import pg from 'pg';
import { canonicalJson, fingerprintOf } from '../../handlers/ops/introspection/fingerprint';
import { introspect } from '../../handlers/ops/introspection/run-introspect';
import { KINDS } from '../../handlers/ops/introspection/snapshot';
import { RunFailure } from '../../src/module';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';
import { createOrg } from '../helpers/factories';
import {
  createTarget, insertConnection, insertIntrospectRun, insertProject, recordingRunContext, TestCancellation, type RecordingRunContext,
} from '../helpers/introspection-fixture';

describe('the introspect run executor', () => {
  let api: TestDatabase;
  let db: pg.Pool;
  let target: Awaited<ReturnType<typeof createTarget>>;
  let orgId: string;
  let projectId: string;
  let connectionId: string;
  const contexts: RecordingRunContext[] = [];

  async function newRun(subjectType = 'connection') {
    const runId = await insertIntrospectRun(db, orgId, projectId, connectionId);
    const rc = recordingRunContext(db, { id: runId, orgId, projectId, subjectId: connectionId, subjectType });
    contexts.push(rc);
    return rc;
  }

  beforeAll(async () => {
    api = await createTestDatabase();
    db = ignoreTeardownTermination(new pg.Pool({ connectionString: api.url, max: 3 }));
    target = await createTarget({ fixture: true });
    orgId = (await createOrg(db)).id;
    projectId = await insertProject(db, orgId);
    connectionId = await insertConnection(db, orgId, projectId, target);
  });
  afterAll(async () => {
    for (const rc of contexts) await rc.end();
    await db.end();
    await api.drop();
    await target.drop();
  });

  it('stores the snapshot with its run and returns its id, fingerprint, counts and server version', async () => {
    const rc = await newRun();
    const result = await introspect(rc);
    expect(result).toEqual({
      snapshot_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      object_counts: {
        extensions: 2, schemas: 3, tables: 6, columns: 27, views: 1, materialized_views: 1, sequences: 4, types: 3,
        enums: 1, functions: 4, constraints: 9, indexes: 11, triggers: 1, policies: 2,
      },
      server_version: expect.stringMatching(/^\d+\.\d+/),
    });
    const { rows } = await db.query(`SELECT * FROM schema_snapshots WHERE id = $1`, [result.snapshot_id]);
    expect(rows[0]).toMatchObject({ org_id: orgId, connection_id: connectionId, run_id: rc.run.id, fingerprint: result.fingerprint, server_version: result.server_version });
    // The stored document (jsonb, keys reordered) still gives the fingerprint: a client can check it.
    expect(fingerprintOf(rows[0].snapshot)).toBe(result.fingerprint);
    expect(rows[0].snapshot.tables.map((t: { name: string }) => t.name)).toEqual(['events', 'events_2026', 'cart_items', 'customers', 'gift_items', 'orders']);
  });

  it('connects read-only to the run’s connection and reports progress and an event per object kind', async () => {
    const rc = await newRun();
    await introspect(rc);
    expect(rc.connectCalls).toEqual([{ connectionId, opts: { readOnly: true } }]);
    expect(rc.progressCalls).toEqual([
      { phase: 'connected', done: 0, total: KINDS.length, unit: 'object kinds' },
      ...KINDS.map((kind, i) => ({ phase: kind, done: i + 1, total: KINDS.length, unit: 'object kinds' })),
    ]);
    // Columns read: of tables (27), views and composite types (8); object_counts.columns counts the tables'.
    expect(rc.events.map((e) => e.message)).toEqual([
      'Read 2 extensions', 'Read 3 schemas', 'Read 6 tables', 'Read 35 columns', 'Read 2 views', 'Read 4 sequences', 'Read 3 types',
      'Read 1 enums', 'Read 4 functions', 'Read 9 constraints', 'Read 11 indexes', 'Read 1 triggers', 'Read 2 policies', 'Snapshot stored',
    ]);
    const { rows } = await db.query(`SELECT progress FROM runs WHERE id = $1`, [rc.run.id]);
    expect(rows[0].progress).toEqual({ phase: 'policies', done: KINDS.length, total: KINDS.length, unit: 'object kinds' });
  });

  it('two runs on an unchanged target store two snapshots with one fingerprint; a DDL change gives another', async () => {
    const a = await introspect(await newRun());
    const b = await introspect(await newRun());
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.snapshot_id).not.toBe(a.snapshot_id);
    const stored = await db.query(`SELECT snapshot FROM schema_snapshots WHERE id = ANY($1) ORDER BY created_at`, [[a.snapshot_id, b.snapshot_id]]);
    expect(canonicalJson(stored.rows[0].snapshot)).toBe(canonicalJson(stored.rows[1].snapshot));
    await target.query('ALTER TABLE shop.orders ADD COLUMN note text');
    try {
      const c = await introspect(await newRun());
      expect(c.fingerprint).not.toBe(a.fingerprint);
      expect((c.object_counts as Record<string, number>).columns).toBe(28);
    } finally {
      await target.query('ALTER TABLE shop.orders DROP COLUMN note');
    }
  });

  it('a cancel between object kinds stops it: the runtime’s cancellation propagates, nothing is stored', async () => {
    const rc = await newRun();
    const before = await db.query(`SELECT count(*)::int AS n FROM schema_snapshots`);
    const progress = rc.progress.bind(rc);
    rc.progress = async (p) => {
      await progress(p);
      if (p.phase === 'tables') rc.cancel();
    };
    await expect(introspect(rc)).rejects.toBeInstanceOf(TestCancellation);
    expect(rc.progressCalls.map((p) => p.phase)).toEqual(['connected', 'extensions', 'schemas', 'tables']);
    expect((await db.query(`SELECT count(*)::int AS n FROM schema_snapshots`)).rows[0].n).toBe(before.rows[0].n);
  });

  it('a target session that fails mid-way is a RunFailure with a stable code and no server text', async () => {
    const runId = await insertIntrospectRun(db, orgId, projectId, connectionId);
    const rc = recordingRunContext(db, { id: runId, orgId, projectId, subjectId: connectionId }, {
      // The catalog read hits a statement timeout on its first query.
      onConnect: (c) => c.query(`SET statement_timeout = 1; SET search_path = pg_catalog`).then(() => {
        const query = c.query.bind(c) as (sql: string) => Promise<unknown>;
        (c as unknown as { query: (sql: string) => Promise<unknown> }).query = (sql: string) =>
          sql.startsWith('SELECT pg_catalog.json_build_object') ? query('SELECT pg_catalog.pg_sleep(1)') : query(sql);
      }),
    });
    contexts.push(rc);
    const err = await introspect(rc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunFailure);
    expect(err).toMatchObject({ code: 'TARGET_TIMEOUT', message: 'A catalog query on the target ran past its statement timeout.' });
    expect((await db.query(`SELECT count(*)::int AS n FROM schema_snapshots WHERE run_id = $1`, [runId])).rows[0].n).toBe(0);
  });

  it('a connector failure: its RunFailure passes through; any other error gets a stable code, never the server’s text', async () => {
    const refused = await newRun();
    refused.connectTarget = async () => {
      throw new RunFailure('TARGET_ADDRESS_REFUSED', 'The host resolves to an address targets may not use.');
    };
    await expect(introspect(refused)).rejects.toMatchObject({ code: 'TARGET_ADDRESS_REFUSED' });
    const auth = await newRun();
    auth.connectTarget = async () => {
      throw Object.assign(new Error('password authentication failed for user "bob"'), { code: '28P01' });
    };
    const err = await introspect(auth).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunFailure);
    expect(err).toMatchObject({ code: 'TARGET_AUTH_FAILED' });
    expect((err as Error).message).not.toContain('bob');
    expect(auth.progressCalls).toEqual([]);
  });

  it('a failure of the runtime’s own calls (an event written to the API database) is not blamed on the target', async () => {
    const rc = await newRun();
    const boom = new Error('API database away');
    rc.event = async () => {
      throw boom;
    };
    await expect(introspect(rc)).rejects.toBe(boom);
  });

  it('refuses a run whose subject is not a connection', async () => {
    const rc = await newRun('patch');
    await expect(introspect(rc)).rejects.toMatchObject({ code: 'INVALID_SUBJECT' });
    expect(rc.connectCalls).toEqual([]);
  });
});
