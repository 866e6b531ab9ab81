import { randomUUID } from 'node:crypto';
import { createApiKey } from '../helpers/factories';
import { createConnectionVia, startConnWorld, type ConnWorld } from './connections-support';

describe('GET /api/v1/connections/{id}', () => {
  let w: ConnWorld;
  beforeAll(async () => {
    w = await startConnWorld();
  });
  afterAll(() => w.h.close());
  const get = (id: string, key = w.key) => w.h.api.get(`/api/v1/connections/${id}`).set('X-API-Key', key);

  it('answers the connection as created, without its password', async () => {
    const created = await createConnectionVia(w, { password: 'pw-get-31c0' });
    const res = await get(created.id, w.readKey).expect(200);
    expect(res.body).toEqual(created);
    expect(res.body.password_set).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('pw-get-31c0');
    expect(res.body).not.toHaveProperty('password');
  });

  it("another organisation's connection, or an unknown id, is not found (404); a malformed id is a 400", async () => {
    const theirs = (await w.h.api.post('/api/v1/connections').set('X-API-Key', w.other.key).send({ project_id: w.other.projectId, name: 'x', environment: 'staging', host: '127.0.0.1', database: 'd', username: 'u' }).expect(201)).body;
    expect((await get(theirs.id).expect(404)).body.code).toBe('NOT_FOUND');
    await get(randomUUID()).expect(404);
    expect((await get('nope').expect(400)).body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'id'] }));
  });

  it('console: any project role reads; a member without a role in the project gets 404', async () => {
    const mine = await createConnectionVia(w);
    const elsewhere = await createConnectionVia(w, {}, w.otherProjectId);
    const as = (s: { cookie: string }, id: string) => w.h.api.get(`/api/v1/connections/${id}`).set('Cookie', s.cookie);
    await as(w.viewer, mine.id).expect(200);
    await as(w.viewer, elsewhere.id).expect(404);
    await as(w.owner, elsewhere.id).expect(200);
  });

  it('needs connections:read (403 INSUFFICIENT_SCOPE)', async () => {
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['projects:read'] });
    const mine = await createConnectionVia(w);
    expect((await get(mine.id, key).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  });
});
