import { randomUUID } from 'node:crypto';
import { createClient } from '../helpers/pos-factories';
import { expectInvalid, posWorld, type PosWorld } from './world';

describe('GET /api/v1/clients/{id}', () => {
  let w: PosWorld;
  let consenting: string;
  let masked: string;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:clients');
    consenting = await createClient(w.h.db, w.org, { consent: true, createdAt: '2026-02-14T17:40:00Z' });
    masked = await createClient(w.h.db, w.org, { nom: 'Dubois', email: 'marc.dubois@example.com', telephone: '+32 477 00 11 22', consent: false });
    foreign = await createClient(w.h.db, w.other, { consent: true });
    await w.h.db.query(`UPDATE clients SET points_fidelite = 1240, niveau_fidelite = 'silver' WHERE id = $1`, [consenting]);
  });
  afterAll(() => w.h.close());

  it('answers a consenting customer with email, telephone and loyalty', async () => {
    const res = await w.get(`/api/v1/clients/${consenting}`).expect(200);
    expect(res.body).toMatchObject({
      id: consenting,
      email: 'louise.peeters@example.be',
      telephone: '+32 470 12 34 56',
      consentement_marketing: true,
      consentement_marketing_le: '2026-02-14T17:42:00Z',
      fidelite: { points: 1240, niveau: 'silver' },
      created_at: '2026-02-14T17:40:00Z',
    });
    // The update above moved updated_at on (the trigger), to a time in RFC 3339 UTC.
    expect(res.body.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(res.body.updated_at > '2026-02-14T17:40:00Z').toBe(true);
  });

  it('GDPR: masks email (null) and telephone ("") without marketing consent', async () => {
    const res = await w.get(`/api/v1/clients/${masked}`).expect(200);
    expect(res.body).toMatchObject({ id: masked, nom: 'Dubois', email: null, telephone: '', consentement_marketing: false });
    expect(res.text).not.toMatch(/marc\.dubois|477 00 11 22/);
  });

  it('answers 404 for an unknown id and for another organisation’s customer alike', async () => {
    for (const id of [randomUUID(), foreign]) {
      const res = await w.get(`/api/v1/clients/${id}`).expect(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', error: 'Client not found' });
    }
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/clients/0b6f1c1e-8a4e-4f5e-9a57'), ['path', 'id']);
  });
});
