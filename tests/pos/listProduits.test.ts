import { createFamille, createProduit } from '../helpers/pos-factories';
import { BAD_LIST_QUERIES, expectInvalid, ids, posWorld, walk, type PosWorld } from './world';

describe('GET /api/v1/produits', () => {
  let w: PosWorld;
  let famille: string;
  let orval: string;
  let duvel: string;
  let retired: string;
  let frites: string;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:catalogue');
    famille = await createFamille(w.h.db, w.org, { nom: 'Trappistes' });
    // Created in this order; updated in another, to tell the two orders apart.
    orval = await createProduit(w.h.db, w.org, {
      nom: 'Orval 33cl', familleId: famille, prixTtc: 550, reference: 'BIE-ORV-33', codeBarre: '5411681014005',
      createdAt: '2026-01-10T09:00:00Z', updatedAt: '2026-05-02T08:15:00Z',
    });
    duvel = await createProduit(w.h.db, w.org, { nom: 'Duvel 33cl', prixTtc: 480, createdAt: '2026-01-11T09:00:00Z', updatedAt: '2026-03-01T10:00:00Z' });
    retired = await createProduit(w.h.db, w.org, { nom: 'Kwak 33cl', actif: false, createdAt: '2026-01-12T09:00:00Z', updatedAt: '2026-04-01T10:00:00Z' });
    frites = await createProduit(w.h.db, w.org, { nom: 'Frites (grande)', prixTtc: 400, tauxTva: 12, unite: 'portion', createdAt: '2026-01-13T09:00:00Z', updatedAt: '2026-01-13T09:00:00Z' });
    foreign = await createProduit(w.h.db, w.other, { nom: 'Foreign beer', createdAt: '2026-01-10T09:30:00Z' });
  });
  afterAll(() => w.h.close());

  it('lists the catalogue oldest first, every field present, amounts in cents with the currency', async () => {
    const res = await w.get('/api/v1/produits').expect(200);
    expect(res.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([orval, duvel, retired, frites]);
    expect(res.body.items[0]).toEqual({
      id: orval,
      famille_id: famille,
      nom: 'Orval 33cl',
      description: '',
      reference: 'BIE-ORV-33',
      code_barre: '5411681014005',
      prix_ttc: 550,
      currency: 'EUR',
      taux_tva: 21,
      unite: 'piece',
      actif: true,
      created_at: '2026-01-10T09:00:00Z',
      updated_at: '2026-05-02T08:15:00Z',
    });
    expect(res.body.items[3]).toMatchObject({ famille_id: null, code_barre: null, taux_tva: 12, unite: 'portion' });
  });

  it('answers the seed example verbatim: ?actif=true&limit=10 — active products only', async () => {
    const res = await w.get('/api/v1/produits?actif=true&limit=10').expect(200);
    expect(res.body).toMatchObject({ total: 3, limit: 10, offset: 0 });
    expect(ids(res.body.items)).toEqual([orval, duvel, frites]);
  });

  it('lists only the others with actif=false', async () => {
    const res = await w.get('/api/v1/produits?actif=false').expect(200);
    expect(ids(res.body.items)).toEqual([retired]);
    expect(res.body.total).toBe(1);
  });

  it('pages with limit and offset; past the end is an empty page with the total', async () => {
    const first = await w.get('/api/v1/produits?limit=3').expect(200);
    const second = await w.get('/api/v1/produits?limit=3&offset=3').expect(200);
    expect([...ids(first.body.items), ...ids(second.body.items)]).toEqual([orval, duvel, retired, frites]);
    const past = await w.get('/api/v1/produits?offset=10').expect(200);
    expect(past.body).toEqual({ items: [], total: 4, limit: 50, offset: 10 });
  });

  it('with updated_since: only products changed at or after it, by updated_at then id', async () => {
    const res = await w.get('/api/v1/produits?updated_since=2026-03-01T10:00:00Z').expect(200);
    expect(ids(res.body.items)).toEqual([duvel, retired, orval]);
    const combined = await w.get('/api/v1/produits?updated_since=2026-03-01T11:00:00%2B01:00&actif=true').expect(200);
    expect(ids(combined.body.items)).toEqual([duvel, orval]);
  });

  it('never lists another organisation’s products, and theirs are theirs alone', async () => {
    const ours = await w.get('/api/v1/produits?limit=200').expect(200);
    expect(ids(ours.body.items)).not.toContain(foreign);
    const theirs = await w.get('/api/v1/produits', w.otherKey).expect(200);
    expect(ids(theirs.body.items)).toEqual([foreign]);
  });

  it.each([...BAD_LIST_QUERIES, ['actif=yes', 'actif']])('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/produits?${query}`), ['query', field]);
  });
});

describe('GET /api/v1/produits, walking a large catalogue', () => {
  let w: PosWorld;
  beforeAll(async () => {
    w = await posWorld('read:catalogue');
    // 450 products, three per instant: the order must fall back on id to be stable.
    await w.h.db.query(
      `INSERT INTO produits (org_id, nom, prix_ttc, taux_tva, actif, created_at)
       SELECT $1, 'Produit ' || i, 100 + i, 21, i % 5 <> 0, '2026-01-01T00:00:00Z'::timestamptz + (i / 3) * interval '1 minute'
         FROM generate_series(1, 450) i`,
      [w.org],
    );
  });
  afterAll(() => w.h.close());

  it('returns every row exactly once, in (created_at, id) order, with limit=200', async () => {
    const { rows } = await w.h.db.query(`SELECT id FROM produits WHERE org_id = $1 ORDER BY created_at, id`, [w.org]);
    expect(ids(await walk(w, '/api/v1/produits'))).toEqual(rows.map((r) => r.id));
  });

  it('and so with a filter', async () => {
    const { rows } = await w.h.db.query(`SELECT id FROM produits WHERE org_id = $1 AND NOT actif ORDER BY created_at, id`, [w.org]);
    expect(rows).toHaveLength(90);
    expect(ids(await walk(w, '/api/v1/produits', 'actif=false'))).toEqual(rows.map((r) => r.id));
  });
});
