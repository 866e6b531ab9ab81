import { createFamille, createProduit, createPromotion } from '../helpers/pos-factories';
import { BAD_LIST_QUERIES, expectInvalid, ids, posWorld, walk, type PosWorld } from './world';

/** YYYY-MM-DD, `days` from today in Brussels (the organisation's time zone). */
const day = (days: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(new Date(Date.now() + days * 86_400_000));

describe('GET /api/v1/promotions', () => {
  let w: PosWorld;
  let produit: string;
  let famille: string;
  let current: string;
  let expired: string;
  let future: string;
  let off: string;
  let always: string;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:promotions');
    famille = await createFamille(w.h.db, w.org, { nom: 'Trappistes' });
    produit = await createProduit(w.h.db, w.org);
    current = await createPromotion(w.h.db, w.org, {
      nom: '3 trappistes pour le prix de 2', type: 'n_for_m', dateDebut: day(-5), dateFin: day(5), familleIds: [famille],
      createdAt: '2020-01-01T16:00:00Z', updatedAt: '2020-04-01T16:00:00Z',
    });
    expired = await createPromotion(w.h.db, w.org, { nom: 'Semaine du chocolat', type: 'fixed_amount', valeur: 200, dateDebut: day(-40), dateFin: day(-30), createdAt: '2020-01-02T16:00:00Z' });
    future = await createPromotion(w.h.db, w.org, { nom: 'Fête de la frite', type: 'fixed_price', valeur: 300, dateDebut: day(10), dateFin: day(11), produitIds: [produit], createdAt: '2020-01-03T16:00:00Z' });
    off = await createPromotion(w.h.db, w.org, { nom: 'Soldes', valeur: 15, actif: false, code: 'SOLDES', createdAt: '2020-01-04T16:00:00Z', updatedAt: '2020-02-01T00:00:00Z' });
    always = await createPromotion(w.h.db, w.org, { nom: 'Carte fidélité', valeur: 10, createdAt: '2020-01-05T16:00:00Z' });
    foreign = await createPromotion(w.h.db, w.other);
  });
  afterAll(() => w.h.close());

  it('lists promotions oldest first, past, current and future, with what they apply to', async () => {
    const res = await w.get('/api/v1/promotions').expect(200);
    expect(res.body).toMatchObject({ total: 5, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([current, expired, future, off, always]);
    expect(res.body.items[0]).toEqual({
      id: current,
      nom: '3 trappistes pour le prix de 2',
      description: '',
      type: 'n_for_m',
      valeur: null,
      quantite_achetee: 3,
      quantite_payee: 2,
      currency: 'EUR',
      date_debut: day(-5),
      date_fin: day(5),
      actif: true,
      en_cours: true,
      code: null,
      produit_ids: [],
      famille_ids: [famille],
      created_at: '2020-01-01T16:00:00Z',
      updated_at: '2020-04-01T16:00:00Z',
    });
    expect(res.body.items[2]).toMatchObject({ type: 'fixed_price', valeur: 300, quantite_achetee: null, produit_ids: [produit], famille_ids: [] });
  });

  it('en_cours: switched on and today within its dates (open-ended dates count as open)', async () => {
    const res = await w.get('/api/v1/promotions').expect(200);
    const state = Object.fromEntries(res.body.items.map((p: { id: string; en_cours: boolean }) => [p.id, p.en_cours]));
    expect(state).toEqual({ [current]: true, [expired]: false, [future]: false, [off]: false, [always]: true });
    expect(res.body.items[4]).toMatchObject({ id: always, date_debut: null, date_fin: null });
  });

  it('filters on the switch with actif (the seed’s ?actif=true|false)', async () => {
    expect(ids((await w.get('/api/v1/promotions?actif=true').expect(200)).body.items)).toEqual([current, expired, future, always]);
    const res = await w.get('/api/v1/promotions?actif=false').expect(200);
    expect(res.body).toMatchObject({ total: 1, items: [{ id: off, code: 'SOLDES' }] });
  });

  it('pages, and with updated_since lists by updated_at then id', async () => {
    expect(ids((await w.get('/api/v1/promotions?limit=2&offset=2').expect(200)).body.items)).toEqual([future, off]);
    expect(ids((await w.get('/api/v1/promotions?limit=2&offset=4').expect(200)).body.items)).toEqual([always]);
    // Changing what a promotion applies to is a change of the promotion.
    await w.h.db.query(`INSERT INTO promotion_produits (org_id, promotion_id, produit_id) VALUES ($1, $2, $3)`, [w.org, expired, produit]);
    const res = await w.get('/api/v1/promotions?updated_since=2020-02-01T00:00:00Z').expect(200);
    expect(ids(res.body.items)).toEqual([off, current, expired]);
    expect(res.body.items[2].produit_ids).toEqual([produit]);
  });

  it('never lists another organisation’s promotions', async () => {
    expect(ids(await walk(w, '/api/v1/promotions'))).not.toContain(foreign);
    expect(ids(await walk(w, '/api/v1/promotions', '', w.otherKey))).toEqual([foreign]);
  });

  it.each([...BAD_LIST_QUERIES, ['actif=1.5', 'actif']])('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/promotions?${query}`), ['query', field]);
  });
});
