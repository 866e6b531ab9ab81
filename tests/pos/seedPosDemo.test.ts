// The demo data (`make start` on an empty database): realistic, deterministic, fast, and valid
// against the contract row by row.
import { createApiKey, createOrg } from '../helpers/factories';
import { createTicket } from '../helpers/pos-factories';
import { startHarness, type Harness } from '../helpers/harness';
import { DEMO_POS, seedPosDemo } from '../../handlers/pos/demo/data';

// 5,000 tickets over the last 90 days, and 390 in the documented example week (10–16 May 2026).
const TICKETS = DEMO_POS.tickets + DEMO_POS.exampleWeek.tickets;

describe('seedPosDemo', () => {
  let h: Harness;
  let org: string;
  let twin: string;
  beforeAll(async () => {
    h = await startHarness();
    org = (await createOrg(h.db, { slug: 'demo' })).id;
    twin = (await createOrg(h.db)).id;
    await seedPosDemo(h.db, org);
    await seedPosDemo(h.db, twin);
  }, 60_000);
  afterAll(() => h.close());

  const one = async (sql: string, params: unknown[] = [org]) => (await h.db.query(sql, params)).rows[0];

  it('fills the organisation at the documented sizes', async () => {
    const n = await one(`SELECT (SELECT count(*)::int FROM familles WHERE org_id = $1) AS familles,
                                (SELECT count(*)::int FROM familles WHERE org_id = $1 AND parent_id IS NOT NULL) AS sous_familles,
                                (SELECT count(*)::int FROM produits WHERE org_id = $1) AS produits,
                                (SELECT count(*)::int FROM clients WHERE org_id = $1) AS clients,
                                (SELECT avg((NOT consentement_marketing)::int)::float8 FROM clients WHERE org_id = $1) AS sans_consentement,
                                (SELECT count(*)::int FROM tickets WHERE org_id = $1) AS tickets,
                                (SELECT avg((numero_facture IS NOT NULL)::int)::float8 FROM tickets WHERE org_id = $1) AS factures,
                                (SELECT count(*)::int FROM promotions WHERE org_id = $1) AS promotions`);
    expect(n).toMatchObject({ familles: 15, produits: 200, clients: 500, tickets: TICKETS, promotions: 8 });
    expect(n.sous_familles).toBeGreaterThan(0);
    expect(n.sans_consentement).toBeGreaterThan(0.3);
    expect(n.sans_consentement).toBeLessThan(0.5);
    expect(n.factures).toBeGreaterThan(0.06);
    expect(n.factures).toBeLessThan(0.14);
  });

  it('spreads the tickets over the last 90 days (until yesterday, Brussels time) and the example week, with 1–8 lines each', async () => {
    const r = await one(`SELECT min(date_heure AT TIME ZONE 'Europe/Brussels')::date - (now() AT TIME ZONE 'Europe/Brussels')::date AS first,
                                max(date_heure AT TIME ZONE 'Europe/Brussels')::date - (now() AT TIME ZONE 'Europe/Brussels')::date AS last,
                                count(DISTINCT (date_heure AT TIME ZONE 'Europe/Brussels')::date)::int AS days
                           FROM tickets WHERE org_id = $1 AND date_heure >= now() - interval '100 days'`);
    expect(r).toEqual({ first: -90, last: -1, days: 90 });
    const { rows: week } = await h.db.query(
      `SELECT to_char(date_heure AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD') AS day, count(*)::int AS n
         FROM tickets WHERE org_id = $1 AND date_heure < now() - interval '100 days' GROUP BY 1 ORDER BY 1`,
      [org],
    );
    expect(week.map((d) => d.day)).toEqual(['2026-05-10', '2026-05-11', '2026-05-12', '2026-05-13', '2026-05-14', '2026-05-15', '2026-05-16']);
    expect(week.reduce((sum, d) => sum + d.n, 0)).toBe(DEMO_POS.exampleWeek.tickets);
    const l = await one(`SELECT min(n)::int AS min, max(n)::int AS max FROM (SELECT count(*) AS n FROM ticket_lignes WHERE org_id = $1 GROUP BY ticket_id) x`);
    expect(l).toEqual({ min: 1, max: 8 });
  });

  it('has promotions that are over, current and to come', async () => {
    const r = await one(`SELECT count(*) FILTER (WHERE date_fin < current_date)::int AS expired,
                                count(*) FILTER (WHERE date_debut > current_date)::int AS future,
                                count(*) FILTER (WHERE (pos_promotion_json(p) ->> 'en_cours')::boolean)::int AS current
                           FROM promotions p WHERE org_id = $1`);
    expect(r.expired).toBeGreaterThan(0);
    expect(r.future).toBeGreaterThan(0);
    expect(r.current).toBeGreaterThan(0);
  });

  it('adds up: line totals, VAT breakdown, payments; numbers 1…5390 in date order and the sequence continues after them', async () => {
    const bad = await one(`
      SELECT count(*) FILTER (WHERE t.total_ttc <> l.ttc)::int AS totals,
             count(*) FILTER (WHERE t.total_ht <> v.ht OR t.total_tva <> v.tva OR t.total_ttc <> v.ttc)::int AS ventilation,
             count(*) FILTER (WHERE t.statut <> 'cancelled' AND p.paid IS DISTINCT FROM t.total_ttc)::int AS paiements,
             count(*) FILTER (WHERE t.statut = 'cancelled' AND t.paiements <> '[]')::int AS cancelled,
             min(t.numero)::int AS first, max(t.numero)::int AS last
        FROM tickets t
        JOIN LATERAL (SELECT sum(total_ttc) AS ttc FROM ticket_lignes WHERE ticket_id = t.id) l ON true
        JOIN LATERAL (SELECT sum((x ->> 'base_ht')::int) AS ht, sum((x ->> 'montant_tva')::int) AS tva, sum((x ->> 'total_ttc')::int) AS ttc
                        FROM jsonb_array_elements(t.ventilation_tva) x) v ON true
        JOIN LATERAL (SELECT sum((x ->> 'montant')::int) AS paid FROM jsonb_array_elements(t.paiements) x) p ON true
       WHERE t.org_id = $1`);
    expect(bad).toEqual({ totals: 0, ventilation: 0, paiements: 0, cancelled: 0, first: 1, last: TICKETS });
    // Ticket and invoice numbers follow the dates, across the example week and the last 90 days.
    const order = await one(`
      SELECT count(*) FILTER (WHERE numero <> rn)::int AS tickets,
             count(*) FILTER (WHERE numero_facture IS NOT NULL AND numero_facture <> 'F' || to_char(date_heure AT TIME ZONE 'Europe/Brussels', 'YYYY') || '-' || lpad(fn::text, 6, '0'))::int AS factures
        FROM (SELECT numero, numero_facture, date_heure, row_number() OVER (ORDER BY date_heure, numero) AS rn,
                     count(numero_facture) OVER (ORDER BY date_heure, numero) AS fn
                FROM tickets WHERE org_id = $1) t`);
    expect(order).toEqual({ tickets: 0, factures: 0 });
    await createTicket(h.db, org);
    expect((await one(`SELECT max(numero)::int AS n FROM tickets WHERE org_id = $1`)).n).toBe(TICKETS + 1);
  });

  it('uses valid EAN-13 check digits and Belgian VAT numbers (mod 97)', async () => {
    const { rows } = await h.db.query(`SELECT code_barre FROM produits WHERE org_id = $1 AND code_barre IS NOT NULL`, [org]);
    expect(rows.length).toBeGreaterThan(50);
    for (const { code_barre: ean } of rows) {
      const sum = [...ean.slice(0, 12)].reduce((s: number, d: string, i: number) => s + Number(d) * (i % 2 ? 3 : 1), 0);
      expect((10 - (sum % 10)) % 10).toBe(Number(ean[12]));
    }
    const { rows: tva } = await h.db.query(`SELECT numero_tva FROM clients WHERE org_id = $1 AND numero_tva IS NOT NULL`, [org]);
    expect(tva.length).toBeGreaterThan(20);
    for (const { numero_tva: n } of tva) {
      expect(n).toMatch(/^BE0\d{9}$/);
      expect(97 - (Number(n.slice(2, 10)) % 97)).toBe(Number(n.slice(10)));
    }
  });

  it('is deterministic: a second organisation seeded the same day gets the same data (ids aside)', async () => {
    const fingerprint = async (orgId: string) =>
      one(
        `SELECT (SELECT md5(string_agg(concat_ws('|', nom, reference, code_barre, prix_ttc, taux_tva, actif, created_at), ',' ORDER BY created_at, nom)) FROM produits WHERE org_id = $1) AS produits,
                (SELECT md5(string_agg(concat_ws('|', nom, prenom, email, telephone, numero_tva, consentement_marketing, points_fidelite, created_at), ',' ORDER BY created_at, nom)) FROM clients WHERE org_id = $1) AS clients,
                (SELECT md5(string_agg(concat_ws('|', numero, date_heure, caisse, vendeur, statut, total_ttc, ventilation_tva, paiements, numero_facture, facture_societe), ',' ORDER BY numero)) FROM tickets WHERE org_id = $1 AND numero <= 5000) AS tickets,
                (SELECT md5(string_agg(concat_ws('|', t.numero, l.position, l.libelle, l.quantite, l.total_ttc), ',' ORDER BY t.numero, l.position))
                   FROM ticket_lignes l JOIN tickets t ON t.id = l.ticket_id WHERE l.org_id = $1 AND t.numero <= 5000) AS lignes`,
        [orgId],
      );
    expect(await fingerprint(twin)).toEqual(await fingerprint(org));
  });

  it('is valid against the contract, every row of every list (each response is checked), GDPR-masked', async () => {
    const { key } = await createApiKey(h.db, { orgId: org, scopes: ['read:catalogue', 'read:clients', 'read:tickets', 'read:promotions'], rateLimitPerMinute: 10_000 });
    const counts: Record<string, number> = {};
    for (const path of ['familles', 'produits', 'clients', 'promotions', 'tickets?withLignes=true']) {
      let seen = 0;
      for (let offset = 0; ; offset += 200) {
        const sep = path.includes('?') ? '&' : '?';
        const res = await h.api.get(`/api/v1/${path}${sep}limit=200&offset=${offset}`).set('X-API-Key', key).expect(200);
        seen += res.body.items.length;
        if (path === 'clients') {
          for (const c of res.body.items) if (!c.consentement_marketing) expect(c).toMatchObject({ email: null, telephone: '' });
        }
        if (offset + 200 >= res.body.total) break;
      }
      counts[path.split('?')[0]] = seen;
    }
    expect(counts).toEqual({ familles: 15, produits: 200, clients: 500, promotions: 8, tickets: TICKETS + 1 });
  });

  it('answers the documented example (seed 000, README, spec): tickets of 10–16 May 2026 with their lines, invoices among them', async () => {
    const { key } = await createApiKey(h.db, { orgId: org, scopes: ['read:tickets'], rateLimitPerMinute: 10_000 });
    const week = await h.api.get('/api/v1/tickets?debut=2026-05-10&fin=2026-05-16&withLignes=true').set('X-API-Key', key).expect(200);
    expect(week.body.total).toBe(DEMO_POS.exampleWeek.tickets);
    expect(week.body.items).toHaveLength(50);
    for (const t of week.body.items) {
      expect(t.lignes.length).toBeGreaterThanOrEqual(1);
      const day = new Date(t.date_heure).toLocaleDateString('sv-SE', { timeZone: 'Europe/Brussels' });
      expect(day >= '2026-05-10' && day <= '2026-05-16').toBe(true);
    }
    const invoices = await h.api.get('/api/v1/tickets?debut=2026-05-10&fin=2026-05-16&facturesOnly=true&limit=200').set('X-API-Key', key).expect(200);
    expect(invoices.body.total).toBeGreaterThan(10);
    for (const t of invoices.body.items) expect(t.facture).toMatchObject({ numero: expect.stringMatching(/^F2026-\d{6}$/), numero_tva: expect.stringMatching(/^BE0\d{9}$/) });
  });

  it('is coherent in the example week: only products and customers that existed then', async () => {
    const r = await one(`
      SELECT count(*) FILTER (WHERE p.created_at >= t.date_heure)::int AS future_produits,
             count(*) FILTER (WHERE c.created_at >= t.date_heure)::int AS future_clients,
             count(DISTINCT t.id)::int AS tickets
        FROM tickets t
        JOIN ticket_lignes l ON l.ticket_id = t.id
        JOIN produits p ON p.id = l.produit_id
        LEFT JOIN clients c ON c.id = t.client_id
       WHERE t.org_id = $1 AND t.date_heure < '2026-05-17T00:00:00+02'`);
    expect(r).toEqual({ future_produits: 0, future_clients: 0, tickets: DEMO_POS.exampleWeek.tickets });
  });
});
