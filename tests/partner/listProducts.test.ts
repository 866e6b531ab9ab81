import { createProduct } from '../helpers/partner-factories';
import { BAD_LIST_QUERIES, expectInvalid, ids, partnerWorld, walk, type PartnerWorld } from './world';

describe('GET /api/v1/products', () => {
  let w: PartnerWorld;
  let p: Record<'tasting' | 'plan' | 'club' | 'retired', string>;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:products');
    p = {
      tasting: await createProduct(w.h.db, w.org, { name: 'Tasting menu', priceAmount: 15000, createdAt: '2026-01-05T10:00:00Z', updatedAt: '2026-04-10T10:00:00Z' }),
      plan: await createProduct(w.h.db, w.org, { name: 'Wedding reception', billing: 'payment_plan', installmentCount: 3, createdAt: '2026-01-10T10:00:00Z' }),
      club: await createProduct(w.h.db, w.org, { name: 'Corporate lunch club', priceAmount: 250000, billing: 'recurring', interval: 'month', createdAt: '2026-02-01T10:00:00Z' }),
      retired: await createProduct(w.h.db, w.org, { name: 'Christmas 2025 buffet', active: false, createdAt: '2026-02-02T10:00:00Z', updatedAt: '2026-05-01T10:00:00Z' }),
    };
    foreign = await createProduct(w.h.db, w.other, { name: 'Foreign package' });
  });
  afterAll(() => w.h.close());

  it('lists the partner catalogue oldest first (created_at, id)', async () => {
    const res = await w.get('/api/v1/products').expect(200);
    expect(res.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([p.tasting, p.plan, p.club, p.retired]);
    expect(res.body.items[2]).toMatchObject({ billing: 'recurring', interval: 'month', installment_count: null, price_amount: 250000, currency: 'EUR' });
  });

  it('filters by active and by billing', async () => {
    expect(ids((await w.get('/api/v1/products?active=true').expect(200)).body.items)).toEqual([p.tasting, p.plan, p.club]);
    expect(ids((await w.get('/api/v1/products?active=false').expect(200)).body.items)).toEqual([p.retired]);
    expect(ids((await w.get('/api/v1/products?billing=payment_plan').expect(200)).body.items)).toEqual([p.plan]);
    expect(ids((await w.get('/api/v1/products?billing=one_time&active=true').expect(200)).body.items)).toEqual([p.tasting]);
  });

  it('with updated_since: by updated_at then id', async () => {
    expect(ids((await w.get('/api/v1/products?updated_since=2026-03-01T00:00:00Z').expect(200)).body.items)).toEqual([p.tasting, p.retired]);
  });

  it('never shows another organisation’s products, nor the POS produits', async () => {
    await w.h.db.query(`INSERT INTO produits (org_id, nom, prix_ttc, taux_tva) VALUES ($1, 'Orval', 550, 21)`, [w.org]);
    const all = await walk(w, '/api/v1/products');
    expect(ids(all)).toEqual([p.tasting, p.plan, p.club, p.retired]);
    expect(ids(await walk(w, '/api/v1/products', '', w.otherKey))).toEqual([foreign]);
  });

  it.each([...BAD_LIST_QUERIES, ['billing=monthly', 'billing'], ['active=1x', 'active']])('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/products?${query}`), ['query', field]);
  });
});
