import { randomUUID } from 'node:crypto';
import { createFamille, createProduit } from '../helpers/pos-factories';
import { expectInvalid, posWorld, type PosWorld } from './world';

describe('GET /api/v1/produits/{id}', () => {
  let w: PosWorld;
  let famille: string;
  let produit: string;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:catalogue');
    famille = await createFamille(w.h.db, w.org, { nom: 'Épicerie fine' });
    produit = await createProduit(w.h.db, w.org, {
      nom: 'Fromage de Herve', familleId: famille, prixTtc: 2450, tauxTva: 6, unite: 'kg', reference: 'EPI-00090', actif: false,
      createdAt: '2026-02-01T10:00:00Z', updatedAt: '2026-02-03T11:30:00Z',
    });
    foreign = await createProduit(w.h.db, w.other);
  });
  afterAll(() => w.h.close());

  it('answers the product with every field', async () => {
    const res = await w.get(`/api/v1/produits/${produit}`).expect(200);
    expect(res.body).toEqual({
      id: produit,
      famille_id: famille,
      nom: 'Fromage de Herve',
      description: '',
      reference: 'EPI-00090',
      code_barre: null,
      prix_ttc: 2450,
      currency: 'EUR',
      taux_tva: 6,
      unite: 'kg',
      actif: false,
      created_at: '2026-02-01T10:00:00Z',
      updated_at: '2026-02-03T11:30:00Z',
    });
  });

  it('answers 404 for an unknown id', async () => {
    const res = await w.get(`/api/v1/produits/${randomUUID()}`).expect(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', error: 'Produit not found' });
  });

  it('answers 404 — not 403 — for another organisation’s product, exactly as for an unknown one', async () => {
    const res = await w.get(`/api/v1/produits/${foreign}`).expect(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', error: 'Produit not found' });
    await w.get(`/api/v1/produits/${foreign}`, w.otherKey).expect(200);
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/produits/42'), ['path', 'id']);
  });
});
