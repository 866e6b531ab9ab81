import { createApiKey, createOrg } from '../helpers/factories';
import { createClient, createProduit, createTicket } from '../helpers/pos-factories';
import { seedPosDemo } from '../../handlers/pos/demo/data';
import type pg from 'pg';
import { listQuery } from '../../src/db/list';
import { withTransaction } from '../../src/db/transaction';
import {
  anchorFor, generateClients, generateFamilles, generateProduits, generateTicketBatch, lockTicketCounter, moveTicketCounter, ticketBatches,
} from '../../handlers/pos/demo/generator';
import { ticketsList } from '../../handlers/pos/listTickets';
import { scansOf, type PlanNode } from '../helpers/plans';
import { BAD_LIST_QUERIES, expectInvalid, ids, posWorld, walk, type Listed, type PosWorld } from './world';

const WEEK = 'debut=2026-05-10&fin=2026-05-16';


describe('GET /api/v1/tickets', () => {
  let w: PosWorld;
  let orval: string;
  let carbonnade: string;
  let louise: string;
  let dubois: string;
  let t: Record<'beforeWeek' | 'firstInstant' | 'midweek' | 'lastInstant' | 'afterWeek', string>;
  let foreign: string;
  beforeAll(async () => {
    w = await posWorld('read:tickets');
    orval = await createProduit(w.h.db, w.org, { nom: 'Orval 33cl', prixTtc: 550 });
    carbonnade = await createProduit(w.h.db, w.org, { nom: 'Carbonnade flamande', prixTtc: 1850, tauxTva: 12 });
    louise = await createClient(w.h.db, w.org, { consent: true });
    dubois = await createClient(w.h.db, w.org, {
      nom: 'Dubois', email: 'marc.dubois@example.com', telephone: '+32 477 00 11 22', societe: 'Dubois & Fils SRL', numeroTva: 'BE0477472701',
    });
    // Brussels is UTC+2 in May: the business days 10–16 May are [9 May 22:00Z, 16 May 22:00Z).
    t = {
      beforeWeek: await createTicket(w.h.db, w.org, { dateHeure: '2026-05-09T21:59:59Z', createdAt: '2026-05-09T22:00:05Z' }),
      firstInstant: await createTicket(w.h.db, w.org, {
        dateHeure: '2026-05-09T22:00:00Z', clientId: dubois, facture: { numero: 'F2026-000412', societe: 'Dubois & Fils SRL', numeroTva: 'BE0477472701' },
        createdAt: '2026-05-09T22:00:05Z',
      }),
      midweek: await createTicket(w.h.db, w.org, {
        dateHeure: '2026-05-12T12:47:31Z', clientId: louise, createdAt: '2026-05-12T12:47:32Z',
        lignes: [
          { produitId: orval, libelle: 'Orval 33cl', quantite: 2, prixUnitaire: 550, tauxTva: 21 },
          { produitId: carbonnade, libelle: 'Carbonnade flamande', quantite: 1, prixUnitaire: 1850, remise: 185, tauxTva: 12 },
        ],
      }),
      lastInstant: await createTicket(w.h.db, w.org, { dateHeure: '2026-05-16T21:59:59Z', statut: 'cancelled', createdAt: '2026-05-16T22:00:05Z' }),
      afterWeek: await createTicket(w.h.db, w.org, { dateHeure: '2026-05-16T22:00:00Z', createdAt: '2026-05-16T22:00:05Z' }),
    };
    foreign = await createTicket(w.h.db, w.other, { dateHeure: '2026-05-12T10:00:00Z' });
  });
  afterAll(() => w.h.close());

  it('answers the seed example verbatim: one week (Brussels business days) with lines', async () => {
    const res = await w.get(`/api/v1/tickets?${WEEK}&withLignes=true`).expect(200);
    expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([t.firstInstant, t.midweek, t.lastInstant]);
    expect(res.body.items[1]).toEqual({
      id: t.midweek,
      numero: 3,
      date_heure: '2026-05-12T12:47:31Z',
      caisse: 'Caisse 1',
      vendeur: 'Sofie',
      statut: 'paid',
      client: expect.objectContaining({ id: louise, email: 'louise.peeters@example.be', telephone: '+32 470 12 34 56' }),
      currency: 'EUR',
      total_ttc: 2765,
      total_ht: 2396,
      total_tva: 369,
      ventilation_tva: [
        { taux: 12, base_ht: 1487, montant_tva: 178, total_ttc: 1665 },
        { taux: 21, base_ht: 909, montant_tva: 191, total_ttc: 1100 },
      ],
      paiements: [{ methode: 'card', montant: 2765 }],
      facture: null,
      lignes: [
        { id: expect.any(String), position: 1, produit_id: orval, libelle: 'Orval 33cl', quantite: 2, prix_unitaire: 550, remise: 0, taux_tva: 21, total_ttc: 1100 },
        { id: expect.any(String), position: 2, produit_id: carbonnade, libelle: 'Carbonnade flamande', quantite: 1, prix_unitaire: 1850, remise: 185, taux_tva: 12, total_ttc: 1665 },
      ],
      created_at: '2026-05-12T12:47:32Z',
      updated_at: '2026-05-12T12:47:32Z',
    });
    expect(res.body.items[2]).toMatchObject({ statut: 'cancelled', paiements: [], client: null });
  });

  it('leaves the lines out unless withLignes=true', async () => {
    for (const q of [WEEK, `${WEEK}&withLignes=false`]) {
      const res = await w.get(`/api/v1/tickets?${q}`).expect(200);
      expect(res.body.items).toHaveLength(3);
      for (const item of res.body.items) expect(item).not.toHaveProperty('lignes');
    }
  });

  it('GDPR: a customer embedded in a ticket is masked as everywhere (no consent → email null, telephone "")', async () => {
    const res = await w.get(`/api/v1/tickets?${WEEK}&withLignes=true`).expect(200);
    expect(res.body.items[0].client).toMatchObject({ id: dubois, email: null, telephone: '', societe: 'Dubois & Fils SRL', consentement_marketing: false });
    expect(res.text).not.toMatch(/marc\.dubois|477 00 11 22/);
  });

  it('facturesOnly=true keeps the invoices, with their B2B fields; false filters nothing', async () => {
    const res = await w.get('/api/v1/tickets?facturesOnly=true').expect(200);
    expect(res.body).toMatchObject({ total: 1, items: [{ id: t.firstInstant, facture: { numero: 'F2026-000412', societe: 'Dubois & Fils SRL', numero_tva: 'BE0477472701' } }] });
    expect((await w.get('/api/v1/tickets?facturesOnly=false').expect(200)).body.total).toBe(5);
    expect((await w.get(`/api/v1/tickets?${WEEK}&facturesOnly=true`).expect(200)).body.total).toBe(1);
  });

  it('lists every ticket by date_heure then id without dates; debut or fin alone bound one side', async () => {
    const all = await w.get('/api/v1/tickets').expect(200);
    expect(ids(all.body.items)).toEqual([t.beforeWeek, t.firstInstant, t.midweek, t.lastInstant, t.afterWeek]);
    expect(all.body.items.map((i: Listed) => i.numero)).toEqual([1, 2, 3, 4, 5]);
    expect(ids((await w.get('/api/v1/tickets?debut=2026-05-16').expect(200)).body.items)).toEqual([t.lastInstant, t.afterWeek]);
    expect(ids((await w.get('/api/v1/tickets?fin=2026-05-09').expect(200)).body.items)).toEqual([t.beforeWeek]);
    expect((await w.get('/api/v1/tickets?debut=2026-05-12&fin=2026-05-12').expect(200)).body.total).toBe(1);
  });

  it('pages with limit and offset', async () => {
    const a = await w.get('/api/v1/tickets?limit=2').expect(200);
    const b = await w.get('/api/v1/tickets?limit=2&offset=2').expect(200);
    const c = await w.get('/api/v1/tickets?limit=2&offset=4').expect(200);
    expect([...ids(a.body.items), ...ids(b.body.items), ...ids(c.body.items)]).toEqual(Object.values(t));
    expect(c.body).toMatchObject({ total: 5, limit: 2, offset: 4 });
  });

  it('with updated_since: by updated_at then id; correcting a line later counts as a change of the ticket', async () => {
    const before = await w.get('/api/v1/tickets?updated_since=2026-05-16T22:00:05Z').expect(200);
    expect(ids(before.body.items).sort()).toEqual([t.lastInstant, t.afterWeek].sort());
    await w.h.db.query(`UPDATE ticket_lignes SET libelle = 'Orval 33cl (corrigé)' WHERE ticket_id = $1 AND position = 1`, [t.beforeWeek]);
    const after = await w.get('/api/v1/tickets?updated_since=2026-05-16T22:00:05Z').expect(200);
    expect(ids(after.body.items).slice(-1)).toEqual([t.beforeWeek]);
  });

  it('numbers tickets per organisation, and never lists another organisation’s', async () => {
    expect(ids(await walk(w, '/api/v1/tickets'))).not.toContain(foreign);
    const theirs = await w.get('/api/v1/tickets', w.otherKey).expect(200);
    expect(theirs.body).toMatchObject({ total: 1, items: [{ id: foreign, numero: 1 }] });
  });

  it('refuses fin before debut with a 400 naming both', async () => {
    const res = await w.get('/api/v1/tickets?debut=2026-05-16&fin=2026-05-10').expect(400);
    expectInvalid(res, ['query', 'debut']);
    expectInvalid(res, ['query', 'fin']);
  });

  it.each([
    ...BAD_LIST_QUERIES,
    ['debut=2026-13-01', 'debut'],
    ['debut=10/05/2026', 'debut'],
    ['fin=2026-02-30', 'fin'],
    ['fin=2026-05-16T00:00:00Z', 'fin'],
    ['facturesOnly=oui', 'facturesOnly'],
    ['withLignes=2', 'withLignes'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/tickets?${query}`), ['query', field]);
  });
});

describe('GET /api/v1/tickets in another time zone', () => {
  it('reads debut and fin as business days of the organisation’s own zone', async () => {
    const w = await posWorld('read:tickets', { timezone: 'Asia/Tokyo' });
    try {
      // 9 May 15:30Z is 10 May 00:30 in Tokyo, and still 9 May in Brussels.
      const id = await createTicket(w.h.db, w.org, { dateHeure: '2026-05-09T15:30:00Z' });
      expect(ids((await w.get('/api/v1/tickets?debut=2026-05-10&fin=2026-05-10').expect(200)).body.items)).toEqual([id]);
      expect((await w.get('/api/v1/tickets?fin=2026-05-09').expect(200)).body.total).toBe(0);
    } finally {
      await w.h.close();
    }
  });
});

describe('GET /api/v1/tickets over the demo data (5,000 tickets)', () => {
  let w: PosWorld;
  beforeAll(async () => {
    w = await posWorld('read:tickets');
    await seedPosDemo(w.h.db, w.org);
  }, 60_000);
  afterAll(() => w.h.close());

  it('walks every page with limit=200 and withLignes: each ticket exactly once, in (date_heure, id) order, every one valid', async () => {
    const { rows } = await w.h.db.query(`SELECT id FROM tickets WHERE org_id = $1 ORDER BY date_heure, id`, [w.org]);
    const items = await walk(w, '/api/v1/tickets', 'withLignes=true');
    expect(ids(items)).toEqual(rows.map((r) => r.id));
    const lignes = items.reduce((n, i) => n + (i.lignes as unknown[]).length, 0);
    const { rows: count } = await w.h.db.query(`SELECT count(*)::int AS n FROM ticket_lignes WHERE org_id = $1`, [w.org]);
    expect(lignes).toBe(count[0].n);
  });

  it('walks the updated_since order while tickets are being sold: every ticket once, none skipped', async () => {
    const { rows } = await w.h.db.query(`SELECT id FROM tickets WHERE org_id = $1 ORDER BY updated_at, id`, [w.org]);
    const seen: string[] = [];
    const sold: string[] = [];
    for (let offset = 0; ; offset += 200) {
      const res = await w.get(`/api/v1/tickets?updated_since=2000-01-01T00:00:00Z&limit=200&offset=${offset}`).expect(200);
      seen.push(...ids(res.body.items));
      if (offset + 200 >= res.body.total) break;
      // A till closes two tickets between two pages.
      for (let k = 0; k < 2; k++) sold.push(await createTicket(w.h.db, w.org));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, rows.length)).toEqual(rows.map((r) => r.id));
    expect(seen.slice(rows.length)).toEqual(sold.slice(0, seen.length - rows.length));
  });
});

describe('GET /api/v1/tickets at 200,000 tickets: the plans of the prepared statement the handler runs', () => {
  let w: PosWorld;
  let week: { debut: string; fin: string };
  beforeAll(async () => {
    w = await posWorld('read:tickets');
    await loadTickets(w.h.db, w.org, 200_000);
    const { rows } = await w.h.db.query(`SELECT to_char(max(date_heure) AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD') AS fin FROM tickets WHERE org_id = $1`, [w.org]);
    const fin: string = rows[0].fin;
    week = { debut: new Date(Date.parse(`${fin}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10), fin };
  }, 300_000);
  afterAll(() => w.h.close());

  it('serves one week with lines by index range scans, after 10 executions and in the generic plan PostgreSQL may switch to', async () => {
    const res = await w.get(`/api/v1/tickets?debut=${week.debut}&fin=${week.fin}&withLignes=true`).expect(200);
    expect(res.body.total).toBeGreaterThan(2000);
    // The statement the handler runs for this request: same builder, same text, same name.
    const query = listQuery(ticketsList(w.org, { ...week, withLignes: true }), { limit: 50, offset: 0 });
    const c = await w.h.db.connect();
    try {
      for (let i = 0; i < 10; i++) await c.query(query);
      const { rows: prepared } = await c.query(`SELECT generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE name = $1`, [query.name]);
      expect(prepared).toEqual([{ runs: 10 }]);
      const args = query.values.map((v) => (typeof v === 'number' ? String(v) : c.escapeLiteral(String(v)))).join(', ');
      const explain = `EXPLAIN (FORMAT JSON) EXECUTE ${query.name}(${args})`;
      expectWeekRangeScans((await c.query(explain)).rows[0]['QUERY PLAN'][0].Plan);
      // PostgreSQL switches a statement to its generic plan when that looks no costlier than the
      // custom ones: whenever it does, that plan must be right too.
      await c.query('SET plan_cache_mode = force_generic_plan');
      expectWeekRangeScans((await c.query(explain)).rows[0]['QUERY PLAN'][0].Plan);
    } finally {
      await c.query('RESET plan_cache_mode');
      c.release();
    }
  });
});

/** Every read of tickets is an index range scan on (org_id, date_heure): no sequential scan, no filter-only walk. */
function expectWeekRangeScans(plan: PlanNode): void {
  const scans = scansOf(plan, 'tickets');
  expect(scans.length).toBeGreaterThan(0);
  for (const scan of scans) {
    expect(`${scan['Node Type']} ${scan['Index Name'] ?? ''}`).toMatch(/^Index (Only )?Scan tickets_org_date_idx$/);
    expect(scan['Index Cond']).toMatch(/date_heure >= .*date_heure < /);
  }
}

/** 200,000 tickets (and their lines) over the last year, set-based, as `npm run gen:data` writes them. */
async function loadTickets(db: pg.Pool, orgId: string, n: number): Promise<void> {
  await withTransaction(db, async (c) => {
    // A bulk backfill, as gen:data does it: no per-row triggers (webhook events) or foreign-key checks.
    await c.query(`SET LOCAL session_replication_role = replica`);
    const anchor = await anchorFor(c, orgId);
    const familles = await generateFamilles(c, orgId, anchor);
    await generateProduits(c, orgId, 1, anchor, 200, familles);
    await generateClients(c, orgId, 1, anchor, 500);
    const counter = await lockTicketCounter(c, orgId);
    // One batch: invoice numbers continue from one base.
    const [batch] = ticketBatches(n, 365, anchor.today, n);
    const { last_numero } = await generateTicketBatch(c, orgId, 1, anchor, batch, counter.numero, counter.factures);
    await moveTicketCounter(c, orgId, last_numero ?? counter.numero);
  });
  await db.query('ANALYZE tickets, ticket_lignes, clients, organisations');
}

describe('GET /api/v1/tickets with a key of another organisation', () => {
  it('answers an empty list — another organisation’s tickets are not there at all', async () => {
    const w = await posWorld('read:tickets');
    try {
      await createTicket(w.h.db, w.org);
      const stranger = await createOrg(w.h.db);
      const { key } = await createApiKey(w.h.db, { orgId: stranger.id, scopes: ['read:tickets'] });
      expect((await w.get('/api/v1/tickets', key).expect(200)).body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    } finally {
      await w.h.close();
    }
  });
});
