import { decryptPassword } from '../../handlers/ops/target/connection-secrets';
import { connectionBody, startConnWorld, storedRow, type ConnWorld } from './connections-support';

describe('POST /api/v1/connections', () => {
  let w: ConnWorld;
  beforeAll(async () => {
    w = await startConnWorld();
  });
  afterAll(() => w.h.close());
  const post = (body: unknown, key = w.key) => w.h.api.post('/api/v1/connections').set('X-API-Key', key).send(body as object);

  it('creates a connection; the password is stored encrypted and never returned', async () => {
    const password = 'pw-create-7f3a9c1e';
    const res = await post(connectionBody(w.projectId, { name: 'Orders', environment: 'production', password, ssl_mode: 'require', read_only: true })).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      project_id: w.projectId,
      name: 'Orders',
      environment: 'production',
      host: '127.0.0.1',
      port: 5432,
      database: 'target',
      username: 'postgres',
      password_set: true,
      ssl_mode: 'require',
      read_only: true,
      last_test: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toContain(password);
    const row = await storedRow(w, res.body.id);
    expect(row.org_id).toBe(w.orgId);
    expect(Buffer.isBuffer(row.password_encrypted)).toBe(true);
    expect(row.password_encrypted!.toString('latin1')).not.toContain(password);
    // Under the connection's own id: the ciphertext opens there and nowhere else.
    expect(decryptPassword(w.h.config, res.body.id, row.password_encrypted!)).toBe(password);
    expect(() => decryptPassword(w.h.config, '00000000-0000-4000-8000-000000000000', row.password_encrypted!)).toThrow();
  });

  it('defaults: port 5432, ssl_mode require, read-write, no password', async () => {
    const body = connectionBody(w.projectId);
    delete (body as Record<string, unknown>).port;
    delete (body as Record<string, unknown>).ssl_mode;
    const res = await post(body).expect(201);
    expect(res.body).toMatchObject({ port: 5432, ssl_mode: 'require', read_only: false, password_set: false });
    expect((await storedRow(w, res.body.id)).password_encrypted).toBeNull();
  });

  it('writes a connection.created audit event without the password', async () => {
    const res = await post(connectionBody(w.projectId, { name: 'Audited', password: 'pw-audit-55aa' })).expect(201);
    const { rows } = await w.h.db.query('SELECT actor_type, action, target_type, metadata FROM audit_events WHERE target_id = $1', [res.body.id]);
    expect(rows).toEqual([{ actor_type: 'api_key', action: 'connection.created', target_type: 'connection', metadata: { project_id: w.projectId, name: 'Audited', host: '127.0.0.1', password: 'set' } }]);
    expect(JSON.stringify(rows)).not.toContain('pw-audit-55aa');
  });

  it.each([
    [{ name: undefined }, ['body', 'name'], 'required'],
    [{ host: undefined }, ['body', 'host'], 'required'],
    [{ environment: 'prod' }, ['body', 'environment'], 'enum'],
    [{ ssl_mode: 'prefer' }, ['body', 'ssl_mode'], 'enum'],
    [{ port: 0 }, ['body', 'port'], 'minimum'],
    [{ port: 65536 }, ['body', 'port'], 'maximum'],
    [{ database: '' }, ['body', 'database'], 'minLength'],
    [{ username: 'u'.repeat(64) }, ['body', 'username'], 'maxLength'],
    [{ password: '' }, ['body', 'password'], 'minLength'],
    [{ project_id: 'nope' }, ['body', 'project_id'], 'format'],
    [{ connection_string: 'postgres://x@y/z' }, ['body', 'connection_string'], 'additionalProperties'],
    [{ options: '-c statement_timeout=0' }, ['body', 'options'], 'additionalProperties'],
  ])('refuses %j with a 400 naming %j', async (over, loc, type) => {
    const body: Record<string, unknown> = connectionBody(w.projectId, over);
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete body[k];
    const before = await w.h.db.query('SELECT count(*)::int AS n FROM connections');
    const res = await post(body).expect(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details).toContainEqual(expect.objectContaining({ loc, type }));
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM connections')).rows).toEqual(before.rows);
  });

  it('refuses a body over 100 kB (413) and one that is not JSON (415), writing nothing', async () => {
    const before = await w.h.db.query('SELECT count(*)::int AS n FROM connections');
    await post(connectionBody(w.projectId, { password: 'x'.repeat(110_000) })).expect(413);
    const res = await w.h.api.post('/api/v1/connections').set('X-API-Key', w.key).set('Content-Type', 'text/plain').send('host=127.0.0.1').expect(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM connections')).rows).toEqual(before.rows);
  });

  it('a name already used in the project (any case) is a 409; another project may use it', async () => {
    await post(connectionBody(w.projectId, { name: 'Replica' })).expect(201);
    const res = await post(connectionBody(w.projectId, { name: 'REPLICA' })).expect(409);
    expect(res.body.code).toBe('CONFLICT');
    await post(connectionBody(w.otherProjectId, { name: 'Replica' })).expect(201);
  });

  it("another organisation's project, or an unknown one, is not found (404) and nothing is written", async () => {
    const before = await w.h.db.query('SELECT count(*)::int AS n FROM connections');
    expect((await post(connectionBody(w.other.projectId)).expect(404)).body.code).toBe('NOT_FOUND');
    await post(connectionBody('00000000-0000-4000-8000-000000000000')).expect(404);
    expect((await w.h.db.query('SELECT count(*)::int AS n FROM connections')).rows).toEqual(before.rows);
  });

  it('needs connections:write (403 INSUFFICIENT_SCOPE for a read-only key)', async () => {
    const res = await post(connectionBody(w.projectId), w.readKey).expect(403);
    expect(res.body.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('console: a developer of the project may, a viewer may not (403), a member without a role there gets 404', async () => {
    const as = (s: { cookie: string; csrf: string }, projectId: string) =>
      w.h.api.post('/api/v1/connections').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send(connectionBody(projectId));
    await as(w.developer, w.projectId).expect(201);
    expect((await as(w.viewer, w.projectId).expect(403)).body.code).toBe('FORBIDDEN');
    await as(w.developer, w.otherProjectId).expect(404);
    await as(w.owner, w.otherProjectId).expect(201);
  });
});
