import { randomUUID } from 'node:crypto';
import { createProduit, createPromotion } from '../helpers/pos-factories';
import { expectInvalid, posWorld, type PosWorld } from './world';

describe('GET /api/v1/promotions/{id}', () => {
  let w: PosWorld;
  let produits: string[];
  let promotion: string;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:promotions');
    produits = [await createProduit(w.h.db, w.org), await createProduit(w.h.db, w.org)].sort();
    promotion = await createPromotion(w.h.db, w.org, {
      nom: 'Carte fidélité -10 %', type: 'percentage', valeur: 10, code: 'FIDELE10', dateDebut: '2020-01-01', dateFin: '2020-01-31',
      produitIds: produits, createdAt: '2019-12-20T10:00:00Z',
    });
    foreign = await createPromotion(w.h.db, w.other);
  });
  afterAll(() => w.h.close());

  it('answers the promotion with its products, dates and code', async () => {
    const res = await w.get(`/api/v1/promotions/${promotion}`).expect(200);
    expect(res.body).toEqual({
      id: promotion,
      nom: 'Carte fidélité -10 %',
      description: '',
      type: 'percentage',
      valeur: 10,
      quantite_achetee: null,
      quantite_payee: null,
      currency: 'EUR',
      date_debut: '2020-01-01',
      date_fin: '2020-01-31',
      actif: true,
      en_cours: false,
      code: 'FIDELE10',
      produit_ids: produits,
      famille_ids: [],
      created_at: '2019-12-20T10:00:00Z',
      updated_at: '2019-12-20T10:00:00Z',
    });
  });

  it('answers 404 for an unknown id and for another organisation’s promotion alike', async () => {
    for (const id of [randomUUID(), foreign]) {
      const res = await w.get(`/api/v1/promotions/${id}`).expect(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', error: 'Promotion not found' });
    }
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/promotions/FIDELE10'), ['path', 'id']);
  });
});
