// Set-based generator of POS data (catalogue, clients, tickets with lines, promotions), shared
// by the demo seeder and `npm run gen:data`. Every statement is one INSERT … SELECT over
// generate_series: no row-by-row round trips.
//
// Deterministic: every "random" choice is a hash of (row number, attribute, seed) — not
// random()/setseed(), whose sequence depends on the plan and the PostgreSQL version. The same
// seed gives the same data (relative to the run day); only the uuids differ.
import type pg from 'pg';
import { CAISSES, FAMILLES, FORMES, NOMS, PRENOMS, PRODUITS, PROMOTIONS, SOCIETES, VENDEURS, VILLES } from './catalogue';

type Client = pg.PoolClient;

/** A uniform number in [0, 1) from a row key and an attribute number; $2 is always the seed. */
const R = (key: string, attr: number) => `((hashint8extended((${key})::bigint, $2::bigint * 1000 + ${attr}) & 9007199254740991)::float8 / 9007199254740992)`;
/** A pick from a text[] parameter. */
const pick = (arr: string, key: string, attr: number) => `(${arr})[1 + floor(${R(key, attr)} * cardinality(${arr}))::int]`;

export interface Anchor {
  /** The organisation's time zone. */
  tz: string;
  /** Today, in that zone (YYYY-MM-DD): generated history ends the day before. */
  today: string;
}

export async function anchorFor(c: Client, orgId: string): Promise<Anchor> {
  const { rows } = await c.query(`SELECT timezone AS tz, to_char(now() AT TIME ZONE timezone, 'YYYY-MM-DD') AS today FROM organisations WHERE id = $1`, [orgId]);
  if (!rows[0]) throw new Error(`organisation ${orgId} not found`);
  return rows[0] as Anchor;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
export const produitReference = (i: number) => `${FAMILLES[PRODUITS[i % PRODUITS.length][0]].code}-${pad(i + 1, 5)}`;

/** The 15 families, sub-families pointing at their parents; created a year and a half ago. */
export async function generateFamilles(c: Client, orgId: string, a: Anchor): Promise<string[]> {
  const defs = FAMILLES.map((f, i) => ({
    i,
    nom: f.nom,
    description: f.description,
    parent: f.parent,
    position: FAMILLES.slice(0, i).filter((g) => g.parent === f.parent).length,
  }));
  const { rows } = await c.query(
    `WITH d AS (
       SELECT f.*, gen_random_uuid() AS id FROM jsonb_to_recordset($2::jsonb) AS f(i int, nom text, description text, parent int, position int))
     INSERT INTO familles (id, org_id, parent_id, nom, description, position, created_at, updated_at)
     SELECT d.id, $1, p.id, d.nom, d.description, d.position, t, t
       FROM d LEFT JOIN d p ON p.i = d.parent,
            LATERAL (SELECT ($3::date - 540 + d.i)::timestamp AT TIME ZONE $4 + interval '9 hours' AS t) ts
     RETURNING id, nom`,
    [orgId, JSON.stringify(defs), a.today, a.tz],
  );
  const byNom = new Map(rows.map((r) => [r.nom as string, r.id as string]));
  return FAMILLES.map((f) => byNom.get(f.nom)!);
}

/**
 * n products cycling through the catalogue; later cycles are variants (take-away food at 6 %,
 * large formats, multipacks). EAN-13 with a valid check digit for what a shop scans.
 */
export async function generateProduits(c: Client, orgId: string, seed: number, a: Anchor, n: number, familleIds: string[]): Promise<void> {
  const defs = PRODUITS.map(([f, nom, prix, taux, unite], k) => ({ k, fam: f, nom, prix, taux, unite, kind: FAMILLES[f].kind, code: FAMILLES[f].code }));
  await c.query(
    `WITH g AS (
       SELECT i, i / $6::int AS cyc, d.*,
              '54' || lpad((floor(${R('i', 1)} * 1e10))::bigint::text, 10, '0') AS ean12
         FROM generate_series(0, $3::int - 1) i
         JOIN jsonb_to_recordset($4::jsonb) AS d(k int, fam int, nom text, prix int, taux int, unite text, kind text, code text)
           ON d.k = i % $6::int),
     v AS (
       SELECT g.*,
              CASE WHEN cyc = 0 THEN nom
                   WHEN cyc = 1 THEN nom || CASE kind WHEN 'food' THEN ' (à emporter)' WHEN 'drink' THEN ' (grand format)'
                                                      WHEN 'shop' THEN ' (lot de 2)' ELSE ' (édition spéciale)' END
                   ELSE nom || ' #' || (cyc + 1) END AS v_nom,
              CASE WHEN cyc = 0 THEN prix
                   WHEN kind = 'food' THEN round(prix * 0.9 / 10) * 10
                   WHEN kind = 'drink' THEN round(prix * 1.6 / 10) * 10
                   WHEN kind = 'shop' THEN round(prix * 1.9 / 10) * 10
                   ELSE prix END AS v_prix,
              CASE WHEN cyc >= 1 AND kind = 'food' THEN 6 ELSE taux END AS v_taux,
              ($5::date - 400 + (i * 300 / greatest($3::int, 1)))::timestamp AT TIME ZONE $7 + interval '10 hours' AS created
         FROM g)
     INSERT INTO produits (org_id, famille_id, nom, description, reference, code_barre, prix_ttc, taux_tva, unite, actif, created_at, updated_at)
     SELECT $1, ($8::uuid[])[fam + 1], v_nom, '',
            code || '-' || lpad((i + 1)::text, 5, '0'),
            CASE WHEN kind IN ('shop', 'drink') AND unite <> 'kg' THEN ean12 || (
              SELECT (10 - sum(substr(ean12, p, 1)::int * CASE WHEN p % 2 = 0 THEN 3 ELSE 1 END) % 10) % 10
                FROM generate_series(1, 12) p) END,
            v_prix, v_taux, unite,
            ${R('i', 2)} >= 0.08,
            created, created + floor(${R('i', 3)} * 60) * interval '1 day'
       FROM v`,
    [orgId, seed, n, JSON.stringify(defs), a.today, PRODUITS.length, a.tz, familleIds],
  );
}

/** n customers over the last two years; ~40 % without marketing consent, ~15 % companies. */
export async function generateClients(c: Client, orgId: string, seed: number, a: Anchor, n: number): Promise<void> {
  await c.query(
    `WITH g AS (
       SELECT i,
              ${pick('$4::text[]', 'i', 1)} AS nom,
              ${pick('$5::text[]', 'i', 2)} AS prenom,
              ${R('i', 3)} < 0.15 AS b2b,
              ${R('i', 4)} < 0.60 AS consent,
              ${R('i', 5)} AS r_pts,
              ($3::date - 730 + (i * 700 / greatest($6::int, 1)))::timestamp AT TIME ZONE $7
                + floor(${R('i', 6)} * 36000) * interval '1 second' + interval '8 hours' AS created,
              floor(${R('i', 7)} * cardinality($8::text[]))::int + 1 AS ville
         FROM generate_series(1, $6::int) i),
     h AS (
       SELECT g.*, floor(power(r_pts, 3.5) * 5000)::int AS points,
              CASE WHEN consent THEN created + floor(${R('i', 8)} * 30) * interval '1 day' END AS consent_le,
              '0' || lpad(floor(${R('i', 9)} * 1e7)::int::text, 7, '0') AS kbo8
         FROM g)
     INSERT INTO clients (org_id, nom, prenom, societe, email, telephone, adresse_rue, adresse_code_postal, adresse_ville,
                          numero_tva, consentement_marketing, consentement_marketing_le, points_fidelite, niveau_fidelite,
                          created_at, updated_at)
     SELECT $1, nom, prenom,
            CASE WHEN b2b THEN ${pick('$9::text[]', 'i', 10)} || ' ' || ${pick('$10::text[]', 'i', 11)} ELSE '' END,
            CASE WHEN ${R('i', 12)} < 0.92 THEN
              replace(translate(lower(prenom || '.' || nom), 'éèêëàâäîïôöûüç’''', 'eeeeaaaiioouuc'), ' ', '') || (i % 97)
              || '@' || (ARRAY['example.com', 'example.net', 'example.org'])[1 + i % 3] END,
            CASE WHEN ${R('i', 13)} < 0.90 THEN
              '+32 4' || (70 + floor(${R('i', 14)} * 30)::int) || ' ' || lpad(floor(${R('i', 15)} * 100)::int::text, 2, '0')
              || ' ' || lpad(floor(${R('i', 16)} * 100)::int::text, 2, '0') || ' ' || lpad(floor(${R('i', 17)} * 100)::int::text, 2, '0')
            ELSE '' END,
            CASE WHEN ${R('i', 18)} < 0.85 THEN ($11::text[])[ville] || ' ' || (1 + floor(${R('i', 19)} * 180)::int) ELSE '' END,
            CASE WHEN ${R('i', 18)} < 0.85 THEN ($8::text[])[ville] ELSE '' END,
            CASE WHEN ${R('i', 18)} < 0.85 THEN ($12::text[])[ville] ELSE '' END,
            -- Belgian enterprise number: 8 digits and their mod-97 check.
            CASE WHEN b2b THEN 'BE' || kbo8 || lpad((97 - kbo8::bigint % 97)::text, 2, '0') END,
            consent, consent_le, points,
            CASE WHEN points >= 4000 THEN 'platinum' WHEN points >= 1500 THEN 'gold' WHEN points >= 500 THEN 'silver' ELSE 'bronze' END,
            created,
            least(greatest(created, consent_le) + floor(${R('i', 20)} * 200) * interval '1 day', $3::date::timestamp AT TIME ZONE $7)
       FROM h`,
    [
      orgId, seed, a.today, NOMS, PRENOMS, n, a.tz,
      VILLES.map((v) => v[0]), SOCIETES, FORMES, VILLES.map((v) => v[2]), VILLES.map((v) => v[1]),
    ],
  );
}

/** The 8 promotions (past, current, future, one switched off), dated around today. */
export async function generatePromotions(c: Client, orgId: string, a: Anchor, familleIds: string[]): Promise<void> {
  const defs = PROMOTIONS.map((p, k) => ({
    k,
    nom: p.nom,
    description: p.description,
    type: p.type,
    valeur: p.valeur,
    qa: p.n?.[0] ?? null,
    qp: p.n?.[1] ?? null,
    debut: p.debut,
    fin: p.fin,
    actif: p.actif,
    code: p.code,
    familles: p.familles.map((f) => familleIds[f]),
    refs: p.produits.map(produitReference),
  }));
  await c.query(
    `WITH d AS (
       SELECT x.*, gen_random_uuid() AS id
         FROM jsonb_to_recordset($2::jsonb) AS x(k int, nom text, description text, type text, valeur int, qa int, qp int,
                                                  debut int, fin int, actif boolean, code text, familles uuid[], refs text[])),
     p AS (
       INSERT INTO promotions (id, org_id, nom, description, type, valeur, quantite_achetee, quantite_payee, date_debut, date_fin,
                               actif, code, created_at, updated_at)
       SELECT id, $1, nom, description, type, valeur, qa, qp, $3::date + debut, $3::date + fin, actif, code, t, t
         FROM d, LATERAL (SELECT ($3::date + least(coalesce(debut, -200), -1) - 7 - k)::timestamp AT TIME ZONE $4 + interval '16 hours' AS t) ts
       RETURNING id),
     f AS (
       INSERT INTO promotion_familles (org_id, promotion_id, famille_id)
       SELECT $1, d.id, unnest(d.familles) FROM d JOIN p USING (id))
     INSERT INTO promotion_produits (org_id, promotion_id, produit_id)
     SELECT $1, d.id, pr.id FROM d JOIN p USING (id) JOIN produits pr ON pr.org_id = $1 AND pr.reference = ANY (d.refs)`,
    [orgId, JSON.stringify(defs), a.today, a.tz],
  );
}

// A ticket's status and whether it is invoiced depend only on its key: the batch statement and
// the invoice pre-count below share these, so invoice numbers can be handed out before batches
// run side by side.
const STATUT = (i: string) => `CASE WHEN ${R(i, 7)} < 0.025 THEN 'cancelled' WHEN ${R(i, 7)} < 0.04 THEN 'refunded' ELSE 'paid' END`;
/** Invoiced (~10 % of paid tickets), when the organisation has business customers to invoice. */
const INVOICED = (i: string) => `(${R(i, 5)} < 0.10 AND ${STATUT(i)} = 'paid')`;

export interface TicketBatch {
  /** Row numbers [from, to] of this batch (the hash keys, so batches never repeat a ticket). */
  from: number;
  to: number;
  /** The business days it covers: [firstDay, firstDay + days). */
  firstDay: string;
  days: number;
  /**
   * Sell only products, and serve only customers, that existed before the batch's first day — for
   * a batch older than the catalogue's newest rows (the demo's documented example week).
   */
  existingOnly?: boolean;
}

/**
 * One batch of tickets with their lines, in one statement: lines are drawn first (1–8 per
 * ticket, popular products more often), the ticket's totals, VAT breakdown and payments are
 * aggregated from them, then both are inserted. Numbers continue the organisation's sequence;
 * the caller holds the counter row's lock and moves it on.
 */
/** In generateTicketBatch: the row was created before the batch's first day, when asked ($12). */
const EXISTED = `(NOT $12::boolean OR created_at < $5::date::timestamp AT TIME ZONE $9)`;

export async function generateTicketBatch(c: Client, orgId: string, seed: number, a: Anchor, b: TicketBatch, numeroBase: number, factureBase: number) {
  // For this transaction: sorts and CTEs stay in memory; a plan this size gains nothing from JIT
  // but pays seconds of compilation.
  await c.query(`SET LOCAL work_mem = '256MB'; SET LOCAL jit = off`);
  const { rows } = await c.query(
    `WITH prod AS (
       SELECT row_number() OVER (ORDER BY created_at, id)::int AS n, id, nom, prix_ttc, taux_tva, unite
         FROM produits WHERE org_id = $1 AND actif AND ${EXISTED}),
     np AS (SELECT count(*)::int AS n FROM prod),
     cli AS (SELECT row_number() OVER (ORDER BY created_at, id)::int AS n, id FROM clients WHERE org_id = $1 AND ${EXISTED}),
     nc AS (SELECT count(*)::int AS n FROM cli),
     co AS (SELECT row_number() OVER (ORDER BY created_at, id)::int AS n, id, societe, numero_tva
              FROM clients WHERE org_id = $1 AND societe <> '' AND numero_tva IS NOT NULL AND ${EXISTED}),
     nco AS (SELECT count(*)::int AS n FROM co),
     t0 AS (
       SELECT i, floor(${R('i', 1)} * $6::int)::int AS d, ${R('i', 2)} AS rt, ${R('i', 4)} AS rc,
              ${R('i', 6)} AS rpay, ${STATUT('i')} AS statut, ${INVOICED('i')} AND (SELECT n FROM nco) > 0 AS invoice,
              1 + floor(8 * power(${R('i', 8)}, 1.8))::int AS n_lignes,
              ${R('i', 9)} AS u,
              -- A third of Monday/Tuesday trade happens on the weekend instead.
              CASE WHEN ${R('i', 3)} < 0.35 THEN 4 ELSE 0 END AS shift
         FROM generate_series($3::int, $4::int) i),
     t1 AS (
       SELECT t0.*,
              CASE WHEN extract(isodow FROM $5::date + d) IN (1, 2) AND d + shift < $6::int THEN d + shift ELSE d END AS day,
              -- Opening hours: breakfast, lunch rush, afternoon, dinner.
              floor(CASE WHEN rt < 0.15 THEN 28800 + u * 12600 WHEN rt < 0.55 THEN 42300 + u * 9900
                         WHEN rt < 0.65 THEN 52200 + u * 10800 ELSE 63000 + u * 18000 END) AS secs
         FROM t0),
     t AS (
       SELECT t1.i, t1.n_lignes, t1.rpay, t1.statut, gen_random_uuid() AS id, dh AS date_heure, t1.invoice,
              ${pick('$7::text[]', 't1.i', 10)} AS caisse, ${pick('$8::text[]', 't1.i', 11)} AS vendeur,
              CASE WHEN t1.invoice THEN 1 + floor(${R('t1.i', 12)} * (SELECT n FROM nco))::int END AS co_n,
              CASE WHEN t1.rc < 0.35 THEN 1 + floor(power(${R('t1.i', 13)}, 1.5) * (SELECT n FROM nc))::int END AS cli_n,
              dh + (2 + floor(${R('t1.i', 14)} * 40)) * interval '1 second' AS created
         FROM t1, LATERAL (SELECT ($5::date + t1.day + t1.secs * interval '1 second')::timestamp AT TIME ZONE $9 AS dh) x),
     tn AS (
       SELECT t.*, $10::bigint + row_number() OVER (ORDER BY date_heure, i) AS numero,
              CASE WHEN invoice THEN $11::bigint + row_number() OVER (PARTITION BY invoice ORDER BY date_heure, i) END AS facture_n
         FROM t),
     l AS (
       SELECT t.id AS ticket_id, t.created, k AS position, p.id AS produit_id, p.nom AS libelle, p.taux_tva, p.prix_ttc AS pu,
              CASE WHEN p.unite = 'kg' THEN round((0.15 + ${R('t.i * 8 + k', 21)} * 0.85)::numeric, 3)
                   WHEN ${R('t.i * 8 + k', 22)} < 0.18 THEN 2 WHEN ${R('t.i * 8 + k', 22)} < 0.22 THEN 3 ELSE 1 END AS q,
              ${R('t.i * 8 + k', 23)} < 0.05 AS discounted
         FROM t JOIN generate_series(1, 8) k ON k <= t.n_lignes
         JOIN prod p ON p.n = 1 + floor(power(${R('t.i * 8 + k', 20)}, 1.4) * (SELECT n FROM np))::int),
     lt AS (
       SELECT l.*, round(q * pu)::int - CASE WHEN discounted THEN round(q * pu * 0.1)::int ELSE 0 END AS total,
              CASE WHEN discounted THEN round(q * pu * 0.1)::int ELSE 0 END AS remise
         FROM l),
     vr AS (
       SELECT ticket_id, taux_tva AS taux, sum(total)::int AS ttc, round(sum(total) * 100.0 / (100 + taux_tva))::int AS ht
         FROM lt GROUP BY ticket_id, taux_tva),
     v AS (
       SELECT ticket_id, sum(ttc)::int AS ttc, sum(ht)::int AS ht,
              jsonb_agg(jsonb_build_object('taux', taux, 'base_ht', ht, 'montant_tva', ttc - ht, 'total_ttc', ttc) ORDER BY taux) AS ventilation
         FROM vr GROUP BY ticket_id),
     ins_t AS (
       INSERT INTO tickets (id, org_id, numero, date_heure, caisse, vendeur, client_id, statut, total_ttc, total_ht, total_tva,
                            ventilation_tva, paiements, numero_facture, facture_societe, facture_numero_tva, created_at, updated_at)
       SELECT tn.id, $1, tn.numero, tn.date_heure, tn.caisse, tn.vendeur, coalesce(co.id, cli.id), tn.statut, v.ttc, v.ht, v.ttc - v.ht,
              v.ventilation,
              CASE WHEN tn.statut = 'cancelled' THEN '[]'::jsonb
                   WHEN tn.invoice THEN jsonb_build_array(jsonb_build_object('methode', CASE WHEN tn.rpay < 0.6 THEN 'transfer' ELSE 'card' END, 'montant', v.ttc))
                   WHEN tn.rpay < 0.27 THEN jsonb_build_array(jsonb_build_object('methode', 'cash', 'montant', v.ttc))
                   WHEN tn.rpay < 0.80 THEN jsonb_build_array(jsonb_build_object('methode', 'card', 'montant', v.ttc))
                   WHEN tn.rpay < 0.90 THEN (
                     SELECT jsonb_build_array(jsonb_build_object('methode', 'meal_voucher', 'montant', mv))
                            || CASE WHEN v.ttc > mv THEN jsonb_build_array(jsonb_build_object('methode', 'card', 'montant', v.ttc - mv)) ELSE '[]' END
                       FROM (SELECT least(v.ttc, 800 * (1 + floor(tn.rpay * 100)::int % 3)) AS mv) m)
                   WHEN tn.rpay < 0.95 AND v.ttc >= 2 THEN jsonb_build_array(jsonb_build_object('methode', 'cash', 'montant', v.ttc / 2),
                                                                             jsonb_build_object('methode', 'card', 'montant', v.ttc - v.ttc / 2))
                   WHEN tn.rpay < 0.98 THEN jsonb_build_array(jsonb_build_object('methode', 'voucher', 'montant', v.ttc))
                   ELSE jsonb_build_array(jsonb_build_object('methode', 'card', 'montant', v.ttc)) END,
              CASE WHEN tn.invoice THEN 'F' || to_char(tn.date_heure AT TIME ZONE $9, 'YYYY') || '-' || lpad(tn.facture_n::text, 6, '0') END,
              co.societe, co.numero_tva,
              tn.created,
              CASE WHEN tn.statut = 'refunded' THEN least(tn.created + interval '1 day', now()) ELSE tn.created END
         FROM tn JOIN v ON v.ticket_id = tn.id
         LEFT JOIN co ON tn.invoice AND co.n = tn.co_n
         LEFT JOIN cli ON NOT tn.invoice AND cli.n = tn.cli_n
        -- Chronological, as a till writes them: the heap is laid out as in production, so a
        -- week's tickets (and, below, their lines) sit together, as they would.
        ORDER BY tn.numero
       RETURNING numero, numero_facture IS NOT NULL AS invoice),
     ins_l AS (
       INSERT INTO ticket_lignes (org_id, ticket_id, position, produit_id, libelle, quantite, prix_unitaire, remise, taux_tva, total_ttc,
                                  created_at, updated_at)
       SELECT $1, ticket_id, position, produit_id, libelle, q, pu, remise, taux_tva, total, created, created FROM lt
        ORDER BY created, ticket_id, position
       RETURNING 1)
     SELECT (SELECT max(numero)::float8 FROM ins_t) AS last_numero, (SELECT count(*) FILTER (WHERE invoice)::int FROM ins_t) AS invoices,
            (SELECT count(*)::int FROM ins_t) AS tickets, (SELECT count(*)::int FROM ins_l) AS lignes`,
    [orgId, seed, b.from, b.to, b.firstDay, b.days, CAISSES, VENDEURS, a.tz, numeroBase, factureBase, b.existingOnly ?? false],
  );
  return rows[0] as { last_numero: number | null; invoices: number; tickets: number; lignes: number };
}

/** How many tickets of the batch will be invoices (the statement above decides the same way). */
export async function countInvoices(c: Client | pg.Pool, orgId: string, seed: number, b: TicketBatch): Promise<number> {
  const { rows } = await c.query(
    `SELECT count(*) FILTER (WHERE ${INVOICED('i')})::int AS n FROM generate_series($3::int, $4::int) i
      WHERE EXISTS (SELECT 1 FROM clients WHERE org_id = $1 AND societe <> '' AND numero_tva IS NOT NULL)`,
    [orgId, seed, b.from, b.to],
  );
  return rows[0].n;
}

/**
 * Locks the organisation's ticket counter for this transaction and returns where numbering and
 * invoice numbering continue.
 */
export async function lockTicketCounter(c: Client, orgId: string): Promise<{ numero: number; factures: number }> {
  await c.query(`INSERT INTO ticket_counters (org_id, last_numero) VALUES ($1, 0) ON CONFLICT (org_id) DO NOTHING`, [orgId]);
  const { rows } = await c.query(
    `SELECT greatest(c.last_numero, coalesce((SELECT max(numero) FROM tickets WHERE org_id = $1), 0)) AS numero,
            (SELECT count(*) FROM tickets WHERE org_id = $1 AND numero_facture IS NOT NULL) AS factures
       FROM ticket_counters c WHERE c.org_id = $1 FOR UPDATE`,
    [orgId],
  );
  return { numero: Number(rows[0].numero), factures: Number(rows[0].factures) };
}

export async function moveTicketCounter(c: Client, orgId: string, lastNumero: number): Promise<void> {
  await c.query(`UPDATE ticket_counters SET last_numero = greatest(last_numero, $2) WHERE org_id = $1`, [orgId, lastNumero]);
}

/** Splits n tickets over the `days` days before today into batches of about `size` tickets, oldest first. */
export function ticketBatches(n: number, days: number, today: string, size: number): TicketBatch[] {
  const count = Math.max(1, Math.min(Math.ceil(n / size), days));
  const start = new Date(`${today}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - days);
  const batches: TicketBatch[] = [];
  for (let k = 0; k < count; k++) {
    const d0 = Math.floor((k * days) / count);
    const d1 = Math.floor(((k + 1) * days) / count);
    const first = new Date(start);
    first.setUTCDate(first.getUTCDate() + d0);
    batches.push({ from: Math.floor((k * n) / count) + 1, to: Math.floor(((k + 1) * n) / count), firstDay: first.toISOString().slice(0, 10), days: d1 - d0 });
  }
  return batches.filter((b) => b.to >= b.from);
}
