import { createClient } from '../helpers/pos-factories';
import { BAD_LIST_QUERIES, expectInvalid, ids, posWorld, walk, type PosWorld } from './world';

describe('GET /api/v1/clients', () => {
  let w: PosWorld;
  let consenting: string;
  let masked: string;
  let company: string;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:clients');
    consenting = await createClient(w.h.db, w.org, { nom: 'Peeters', prenom: 'Louise', consent: true, createdAt: '2026-02-14T17:40:00Z', updatedAt: '2026-05-09T11:02:00Z' });
    masked = await createClient(w.h.db, w.org, {
      nom: 'Dubois', prenom: 'Marc', email: 'marc.dubois@example.com', telephone: '+32 477 00 11 22', consent: false,
      createdAt: '2026-03-03T10:15:00Z', updatedAt: '2026-03-03T10:15:00Z',
    });
    company = await createClient(w.h.db, w.org, {
      nom: 'Mertens', societe: 'Fiduciaire Mertens SRL', numeroTva: 'BE0477472701', consent: false, createdAt: '2026-03-04T10:15:00Z',
    });
    foreign = await createClient(w.h.db, w.other, { consent: true });
  });
  afterAll(() => w.h.close());

  it('lists customers oldest first with loyalty and address', async () => {
    const res = await w.get('/api/v1/clients').expect(200);
    expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([consenting, masked, company]);
    expect(res.body.items[0]).toEqual({
      id: consenting,
      nom: 'Peeters',
      prenom: 'Louise',
      societe: '',
      email: 'louise.peeters@example.be',
      telephone: '+32 470 12 34 56',
      adresse: { rue: 'Veldstraat 12', code_postal: '9000', ville: 'Gent', pays: 'BE' },
      numero_tva: null,
      consentement_marketing: true,
      consentement_marketing_le: '2026-02-14T17:42:00Z',
      fidelite: { points: 0, niveau: 'bronze' },
      created_at: '2026-02-14T17:40:00Z',
      updated_at: '2026-05-09T11:02:00Z',
    });
    expect(res.body.items[2]).toMatchObject({ societe: 'Fiduciaire Mertens SRL', numero_tva: 'BE0477472701' });
  });

  it('GDPR: without marketing consent, email is null and telephone is "" — and the values appear nowhere in the body', async () => {
    const res = await w.get('/api/v1/clients').expect(200);
    const dubois = res.body.items.find((c: { id: string }) => c.id === masked);
    expect(dubois).toMatchObject({ email: null, telephone: '', consentement_marketing: false, consentement_marketing_le: null });
    expect(res.text).not.toContain('marc.dubois@example.com');
    expect(res.text).not.toContain('+32 477 00 11 22');
    expect(res.body.items[2]).toMatchObject({ email: null, telephone: '' });
  });

  it('GDPR: no parameter filters or sorts on the masked fields (nothing to probe them with)', async () => {
    for (const q of ['email=marc.dubois@example.com', 'telephone=%2B32%20477%2000%2011%2022', 'q=dubois', 'sort=email']) {
      await w.get(`/api/v1/clients?${q}`).expect(400);
    }
  });

  it('pages, and with updated_since lists changed customers by updated_at then id', async () => {
    const page = await w.get('/api/v1/clients?limit=1&offset=1').expect(200);
    expect(ids(page.body.items)).toEqual([masked]);
    const changed = await w.get('/api/v1/clients?updated_since=2026-03-03T10:15:00Z').expect(200);
    expect(ids(changed.body.items)).toEqual([masked, company, consenting]);
  });

  it('never lists another organisation’s customers', async () => {
    expect(ids(await walk(w, '/api/v1/clients'))).not.toContain(foreign);
    expect(ids(await walk(w, '/api/v1/clients', '', w.otherKey))).toEqual([foreign]);
  });

  it.each(BAD_LIST_QUERIES)('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/clients?${query}`), ['query', field]);
  });
});
