import { createApiKey } from '../helpers/factories';
import { createConnectionVia, startConnWorld, type ConnWorld } from './connections-support';

describe('GET /api/v1/connections', () => {
  let w: ConnWorld;
  let ids: { a: string; b: string; c: string };
  beforeAll(async () => {
    w = await startConnWorld();
    const a = await createConnectionVia(w, { environment: 'production', password: 'pw-list-9911' });
    const b = await createConnectionVia(w, { environment: 'staging' });
    const c = await createConnectionVia(w, { environment: 'production' }, w.otherProjectId);
    await w.h.api.post('/api/v1/connections').set('X-API-Key', w.other.key).send({ project_id: w.other.projectId, name: 'theirs', environment: 'production', host: '127.0.0.1', database: 'd', username: 'u' }).expect(201);
    ids = { a: a.id, b: b.id, c: c.id };
  });
  afterAll(() => w.h.close());
  const list = (query = '', key = w.key) => w.h.api.get(`/api/v1/connections${query}`).set('X-API-Key', key);

  it("lists the organisation's connections newest first, never a password nor another organisation's", async () => {
    const res = await list('', w.readKey).expect(200);
    expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([ids.c, ids.b, ids.a]);
    expect(JSON.stringify(res.body)).not.toContain('pw-list-9911');
    expect(res.body.items.find((c: { id: string }) => c.id === ids.a).password_set).toBe(true);
  });

  it('filters by project_id and environment, and pages', async () => {
    expect((await list(`?project_id=${w.projectId}`).expect(200)).body.items.map((c: { id: string }) => c.id)).toEqual([ids.b, ids.a]);
    expect((await list('?environment=production').expect(200)).body.items.map((c: { id: string }) => c.id)).toEqual([ids.c, ids.a]);
    expect((await list(`?project_id=${w.projectId}&environment=staging`).expect(200)).body.items.map((c: { id: string }) => c.id)).toEqual([ids.b]);
    expect((await list(`?project_id=${w.other.projectId}`).expect(200)).body).toMatchObject({ items: [], total: 0 });
    const page = (await list('?limit=1&offset=1').expect(200)).body;
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1, items: [expect.objectContaining({ id: ids.b })] });
  });

  it('refuses a bad filter with a 400 naming it', async () => {
    expect((await list('?environment=prod').expect(400)).body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'environment'] }));
    expect((await list('?project_id=x').expect(400)).body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'project_id'] }));
  });

  it('console: a member sees only the projects they have a role in; an owner sees all', async () => {
    const viewer = await w.h.api.get('/api/v1/connections').set('Cookie', w.viewer.cookie).expect(200);
    expect(viewer.body.items.map((c: { id: string }) => c.id)).toEqual([ids.b, ids.a]);
    const owner = await w.h.api.get('/api/v1/connections').set('Cookie', w.owner.cookie).expect(200);
    expect(owner.body.total).toBe(3);
  });

  it('needs connections:read (403 INSUFFICIENT_SCOPE)', async () => {
    const { key } = await createApiKey(w.h.db, { orgId: w.orgId, scopes: ['runs:read'] });
    expect((await list('', key).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  });
});
