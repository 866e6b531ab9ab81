import { randomUUID } from 'node:crypto';
import { createClient, createProduit, createTicket } from '../helpers/pos-factories';
import { expectInvalid, posWorld, type PosWorld } from './world';

describe('GET /api/v1/tickets/{id}', () => {
  let w: PosWorld;
  let herve: string;
  let dubois: string;
  let invoice: string;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:tickets');
    herve = await createProduit(w.h.db, w.org, { nom: 'Fromage de Herve', prixTtc: 2450, tauxTva: 6, unite: 'kg' });
    dubois = await createClient(w.h.db, w.org, {
      nom: 'Dubois', prenom: 'Marc', email: 'marc.dubois@example.com', telephone: '+32 477 00 11 22', societe: 'Dubois & Fils SRL', numeroTva: 'BE0477472701',
    });
    invoice = await createTicket(w.h.db, w.org, {
      dateHeure: '2026-05-10T10:12:00Z', clientId: dubois, caisse: 'Caisse 2', createdAt: '2026-05-10T10:12:03Z',
      facture: { numero: 'F2026-000412', societe: 'Dubois & Fils SRL', numeroTva: 'BE0477472701' },
      lignes: [
        { produitId: herve, libelle: 'Fromage de Herve', quantite: 0.425, prixUnitaire: 2450, tauxTva: 6 },
        { produitId: null, libelle: 'Sac réutilisable', quantite: 1, prixUnitaire: 100, tauxTva: 21 },
        { produitId: null, libelle: 'Bon cadeau 25 €', quantite: 1, prixUnitaire: 2500, tauxTva: 0 },
      ],
    });
    foreign = await createTicket(w.h.db, w.other);
  });
  afterAll(() => w.h.close());

  it('answers the ticket with its lines (always), VAT breakdown, payments and invoice', async () => {
    const res = await w.get(`/api/v1/tickets/${invoice}`).expect(200);
    expect(res.body).toEqual({
      id: invoice,
      numero: 1,
      date_heure: '2026-05-10T10:12:00Z',
      caisse: 'Caisse 2',
      vendeur: 'Sofie',
      statut: 'paid',
      client: {
        id: dubois,
        nom: 'Dubois',
        prenom: 'Marc',
        societe: 'Dubois & Fils SRL',
        email: null,
        telephone: '',
        adresse: { rue: 'Veldstraat 12', code_postal: '9000', ville: 'Gent', pays: 'BE' },
        numero_tva: 'BE0477472701',
        consentement_marketing: false,
        consentement_marketing_le: null,
        fidelite: { points: 0, niveau: 'bronze' },
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
      },
      currency: 'EUR',
      // 0.425 kg × 24.50 = 10.41 (6 %), 1.00 (21 %), 25.00 (0 %).
      total_ttc: 3641,
      total_ht: 3565,
      total_tva: 76,
      ventilation_tva: [
        { taux: 0, base_ht: 2500, montant_tva: 0, total_ttc: 2500 },
        { taux: 6, base_ht: 982, montant_tva: 59, total_ttc: 1041 },
        { taux: 21, base_ht: 83, montant_tva: 17, total_ttc: 100 },
      ],
      paiements: [{ methode: 'card', montant: 3641 }],
      facture: { numero: 'F2026-000412', societe: 'Dubois & Fils SRL', numero_tva: 'BE0477472701' },
      lignes: [
        { id: expect.any(String), position: 1, produit_id: herve, libelle: 'Fromage de Herve', quantite: 0.425, prix_unitaire: 2450, remise: 0, taux_tva: 6, total_ttc: 1041 },
        { id: expect.any(String), position: 2, produit_id: null, libelle: 'Sac réutilisable', quantite: 1, prix_unitaire: 100, remise: 0, taux_tva: 21, total_ttc: 100 },
        { id: expect.any(String), position: 3, produit_id: null, libelle: 'Bon cadeau 25 €', quantite: 1, prix_unitaire: 2500, remise: 0, taux_tva: 0, total_ttc: 2500 },
      ],
      created_at: '2026-05-10T10:12:03Z',
      updated_at: '2026-05-10T10:12:03Z',
    });
  });

  it('GDPR: the embedded customer is masked exactly as GET /clients/{id} masks it', async () => {
    const ticket = await w.get(`/api/v1/tickets/${invoice}`).expect(200);
    expect(ticket.text).not.toMatch(/marc\.dubois|477 00 11 22/);
    const { rows } = await w.h.db.query(`SELECT pos_client_json(c) AS j FROM clients c WHERE id = $1`, [dubois]);
    expect(ticket.body.client).toEqual(rows[0].j);
  });

  it('answers 404 for an unknown id and for another organisation’s ticket alike', async () => {
    for (const id of [randomUUID(), foreign]) {
      const res = await w.get(`/api/v1/tickets/${id}`).expect(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', error: 'Ticket not found' });
    }
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/tickets/48213'), ['path', 'id']);
  });
});
