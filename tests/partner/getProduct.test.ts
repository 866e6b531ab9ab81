import { createProduct } from '../helpers/partner-factories';
import { expectInvalid, expectNotFound, partnerWorld, type PartnerWorld } from './world';

describe('GET /api/v1/products/{id}', () => {
  let w: PartnerWorld;
  let plan: string;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:products');
    plan = await createProduct(w.h.db, w.org, {
      name: 'Wedding reception — 80 guests', description: 'Walking dinner, drinks and service.', priceAmount: 960000,
      billing: 'payment_plan', interval: 'month', installmentCount: 3, commissionRateBps: 800, createdAt: '2026-01-10T10:00:00Z',
    });
    foreign = await createProduct(w.h.db, w.other);
  });
  afterAll(() => w.h.close());

  it('answers the product: price in minor units, billing, plan and commission rate', async () => {
    const res = await w.get(`/api/v1/products/${plan}`).expect(200);
    expect(res.body).toEqual({
      id: plan, name: 'Wedding reception — 80 guests', description: 'Walking dinner, drinks and service.', active: true,
      price_amount: 960000, currency: 'EUR', billing: 'payment_plan', interval: 'month', installment_count: 3, commission_rate_bps: 800,
      created_at: '2026-01-10T10:00:00Z', updated_at: '2026-01-10T10:00:00Z',
    });
  });

  it('is the partner catalogue, not the POS produits: a POS produit id is not found here', async () => {
    const { rows } = await w.h.db.query(`INSERT INTO produits (org_id, nom, prix_ttc, taux_tva) VALUES ($1, 'Orval', 550, 21) RETURNING id`, [w.org]);
    await w.get(`/api/v1/products/${rows[0].id}`).expect(404);
  });

  it('answers 404 for an unknown id and for another organisation’s product alike', async () => {
    await expectNotFound(w, '/api/v1/products', foreign, 'Product');
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/products/12'), ['path', 'id']);
  });
});
