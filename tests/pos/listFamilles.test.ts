import { createFamille } from '../helpers/pos-factories';
import { BAD_LIST_QUERIES, expectInvalid, ids, posWorld, sortBy, walk, type PosWorld } from './world';

describe('GET /api/v1/familles', () => {
  let w: PosWorld;
  let boissons: string;
  let bieres: string;
  let trappistes: string;
  let pression: string;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:catalogue');
    bieres = await createFamille(w.h.db, w.org, { nom: 'Bières', position: 1, createdAt: '2026-01-12T09:00:00Z', updatedAt: '2026-04-01T09:00:00Z' });
    boissons = await createFamille(w.h.db, w.org, { nom: 'Boissons chaudes', position: 0, createdAt: '2026-01-12T09:01:00Z' });
    trappistes = await createFamille(w.h.db, w.org, { nom: 'Trappistes', parentId: bieres, position: 1, createdAt: '2026-01-12T09:02:00Z', updatedAt: '2026-02-01T09:00:00Z' });
    pression = await createFamille(w.h.db, w.org, { nom: 'Pression', parentId: bieres, position: 0, actif: false, createdAt: '2026-01-12T09:03:00Z' });
    foreign = await createFamille(w.h.db, w.other, { nom: 'Foreign' });
  });
  afterAll(() => w.h.close());

  it('lists families by position then id, sub-families with their parent', async () => {
    const res = await w.get('/api/v1/familles').expect(200);
    expect(res.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    // position 0: Boissons chaudes and Pression (tie broken by id); position 1: Bières and Trappistes.
    const expected = [
      ...sortBy([{ id: boissons }, { id: pression }]),
      ...sortBy([{ id: bieres }, { id: trappistes }]),
    ].map((r) => r.id);
    expect(ids(res.body.items)).toEqual(expected);
    expect(res.body.items.find((f: { id: string }) => f.id === trappistes)).toEqual({
      id: trappistes,
      parent_id: bieres,
      nom: 'Trappistes',
      description: '',
      position: 1,
      actif: true,
      created_at: '2026-01-12T09:02:00Z',
      updated_at: '2026-02-01T09:00:00Z',
    });
    expect(ids(res.body.items)).not.toContain(foreign);
  });

  it('pages with limit and offset', async () => {
    const all = ids((await w.get('/api/v1/familles').expect(200)).body.items);
    const a = await w.get('/api/v1/familles?limit=2').expect(200);
    const b = await w.get('/api/v1/familles?limit=2&offset=2').expect(200);
    expect([...ids(a.body.items), ...ids(b.body.items)]).toEqual(all);
    expect(b.body).toMatchObject({ total: 4, limit: 2, offset: 2 });
  });

  it('with updated_since: changed families only, by updated_at then id', async () => {
    const res = await w.get('/api/v1/familles?updated_since=2026-02-01T09:00:00Z').expect(200);
    expect(ids(res.body.items)).toEqual([trappistes, bieres]);
  });

  it('shows another organisation only its own families', async () => {
    expect(ids(await walk(w, '/api/v1/familles', '', w.otherKey))).toEqual([foreign]);
  });

  it.each(BAD_LIST_QUERIES)('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/familles?${query}`), ['query', field]);
  });
});
