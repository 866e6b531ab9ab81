// A key bound to one project reaches that project's connections only: another project's are not
// found (404) by every connection operation, and lists leave them out. The principal's projectId
// is set by the authentication (ops-projects); here the handlers get it set directly.
import { handlers } from '../../handlers';
import { startHarness, type Harness } from '../helpers/harness';
import { asProjectKey, connectionBody, createConnectionVia, startConnWorld, type ConnWorld } from './connections-support';

describe('connections through a project-bound key', () => {
  let w: ConnWorld;
  let bound: Harness;
  let mine: string;
  let theirs: string;
  beforeAll(async () => {
    w = await startConnWorld();
    bound = await startHarness({ database: w.h.database, handlers: asProjectKey(w.projectId, handlers) });
    mine = (await createConnectionVia(w, { name: 'mine' })).id;
    theirs = (await createConnectionVia(w, { name: 'theirs' }, w.otherProjectId)).id;
  }, 120_000); // two apps start (each compiles the spec): slow on a loaded 2-core machine
  afterAll(async () => {
    await bound.close();
    await w.h.close();
  });
  const as = () => ({
    get: (p: string) => bound.api.get(p).set('X-API-Key', w.key),
    post: (p: string) => bound.api.post(p).set('X-API-Key', w.key),
    patch: (p: string) => bound.api.patch(p).set('X-API-Key', w.key),
    delete: (p: string) => bound.api.delete(p).set('X-API-Key', w.key),
  });

  it("another project's connection is a 404 for get, update, test and delete, and stays as it was", async () => {
    const before = (await w.h.db.query('SELECT * FROM connections WHERE id = $1', [theirs])).rows;
    await as().get(`/api/v1/connections/${theirs}`).expect(404);
    await as().patch(`/api/v1/connections/${theirs}`).send({ name: 'hijacked' }).expect(404);
    await as().post(`/api/v1/connections/${theirs}/test`).expect(404);
    await as().delete(`/api/v1/connections/${theirs}`).expect(404);
    expect((await w.h.db.query('SELECT * FROM connections WHERE id = $1', [theirs])).rows).toEqual(before);
    await as().get(`/api/v1/connections/${mine}`).expect(200);
  });

  it('lists only its project, whatever project_id it asks for', async () => {
    expect((await as().get('/api/v1/connections').expect(200)).body.items.map((c: { id: string }) => c.id)).toEqual([mine]);
    expect((await as().get(`/api/v1/connections?project_id=${w.otherProjectId}`).expect(200)).body.total).toBe(0);
  });

  it('creates in its project only (another project: 404)', async () => {
    await as().post('/api/v1/connections').send(connectionBody(w.otherProjectId)).expect(404);
    await as().post('/api/v1/connections').send(connectionBody(w.projectId)).expect(201);
  });
});
