// POS factories: catalogue, clients, tickets and promotions inserted straight into the test
// database. Amounts in cents; ticket totals and the VAT breakdown are derived from the lines
// the way the POS does (per rate: HT = round(TTC × 100 / (100 + rate))).
import { inTx, times, type Db, type Times } from './writes';

type Row = Record<string, unknown>;



async function insert(db: Db, table: string, values: Row): Promise<string> {
  const cols = Object.keys(values).filter((k) => values[k] !== undefined);
  const sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`;
  const { rows } = await db.query(sql, cols.map((c) => values[c]));
  return rows[0].id as string;
}

export function createFamille(db: Db, orgId: string, f: { nom?: string; parentId?: string | null; position?: number; actif?: boolean; description?: string } & Times = {}) {
  return insert(db, 'familles', { org_id: orgId, nom: f.nom ?? 'Bières', parent_id: f.parentId ?? null, position: f.position, actif: f.actif, description: f.description, ...times(f) });
}

export interface ProduitInput extends Times {
  nom?: string;
  familleId?: string | null;
  prixTtc?: number;
  tauxTva?: 0 | 6 | 12 | 21;
  actif?: boolean;
  reference?: string;
  codeBarre?: string | null;
  unite?: string;
}

export function createProduit(db: Db, orgId: string, p: ProduitInput = {}) {
  return insert(db, 'produits', {
    org_id: orgId,
    famille_id: p.familleId ?? null,
    nom: p.nom ?? 'Orval 33cl',
    prix_ttc: p.prixTtc ?? 550,
    taux_tva: p.tauxTva ?? 21,
    actif: p.actif,
    reference: p.reference,
    code_barre: p.codeBarre ?? null,
    unite: p.unite,
    ...times(p),
  });
}

export interface ClientInput extends Times {
  nom?: string;
  prenom?: string;
  email?: string | null;
  telephone?: string;
  consent?: boolean;
  societe?: string;
  numeroTva?: string | null;
}

/** A client; `consent` (default false) decides whether email and telephone may be shown. */
export function createClient(db: Db, orgId: string, c: ClientInput = {}) {
  const consent = c.consent ?? false;
  return insert(db, 'clients', {
    org_id: orgId,
    nom: c.nom ?? 'Peeters',
    prenom: c.prenom ?? 'Louise',
    email: c.email === undefined ? 'louise.peeters@example.be' : c.email,
    telephone: c.telephone ?? '+32 470 12 34 56',
    consentement_marketing: consent,
    consentement_marketing_le: consent ? new Date('2026-02-14T17:42:00Z') : null,
    societe: c.societe,
    numero_tva: c.numeroTva ?? null,
    adresse_rue: 'Veldstraat 12',
    adresse_code_postal: '9000',
    adresse_ville: 'Gent',
    ...times(c),
  });
}

export interface LigneInput {
  produitId?: string | null;
  libelle?: string;
  quantite?: number;
  prixUnitaire?: number;
  remise?: number;
  tauxTva?: 0 | 6 | 12 | 21;
}

export interface TicketInput extends Times {
  dateHeure?: Date | string;
  clientId?: string | null;
  statut?: 'paid' | 'cancelled' | 'refunded';
  facture?: { numero: string; societe: string; numeroTva: string | null } | null;
  lignes?: LigneInput[];
  caisse?: string;
}

/** A ticket with its lines (one Orval by default), numbered by the database's per-org sequence. */
export async function createTicket(db: Db, orgId: string, t: TicketInput = {}) {
  const lignes = (t.lignes ?? [{}]).map((l, i) => {
    const quantite = l.quantite ?? 1;
    const prixUnitaire = l.prixUnitaire ?? 550;
    const remise = l.remise ?? 0;
    return { position: i + 1, produitId: l.produitId ?? null, libelle: l.libelle ?? 'Orval 33cl', quantite, prixUnitaire, remise, tauxTva: l.tauxTva ?? 21, total: Math.round(quantite * prixUnitaire) - remise };
  });
  const rates = [...new Set(lignes.map((l) => l.tauxTva))].sort((a, b) => a - b);
  const ventilation = rates.map((taux) => {
    const ttc = lignes.filter((l) => l.tauxTva === taux).reduce((s, l) => s + l.total, 0);
    const ht = Math.round((ttc * 100) / (100 + taux));
    return { taux, base_ht: ht, montant_tva: ttc - ht, total_ttc: ttc };
  });
  const ttc = ventilation.reduce((s, v) => s + v.total_ttc, 0);
  const ht = ventilation.reduce((s, v) => s + v.base_ht, 0);
  const statut = t.statut ?? 'paid';
  return inTx(db, async (c) => {
    const id = await insert(c, 'tickets', {
      org_id: orgId,
      date_heure: t.dateHeure ?? new Date(),
      caisse: t.caisse ?? 'Caisse 1',
      vendeur: 'Sofie',
      client_id: t.clientId ?? null,
      statut,
      total_ttc: ttc,
      total_ht: ht,
      total_tva: ttc - ht,
      ventilation_tva: JSON.stringify(ventilation),
      paiements: JSON.stringify(statut === 'cancelled' ? [] : [{ methode: 'card', montant: ttc }]),
      numero_facture: t.facture?.numero ?? null,
      facture_societe: t.facture?.societe ?? null,
      facture_numero_tva: t.facture?.numeroTva ?? null,
      ...times(t),
    });
    for (const l of lignes) {
      await insert(c, 'ticket_lignes', {
        org_id: orgId,
        ticket_id: id,
        position: l.position,
        produit_id: l.produitId,
        libelle: l.libelle,
        quantite: l.quantite,
        prix_unitaire: l.prixUnitaire,
        remise: l.remise,
        taux_tva: l.tauxTva,
        total_ttc: l.total,
      });
    }
    return id;
  });
}

export interface PromotionInput extends Times {
  nom?: string;
  type?: 'percentage' | 'fixed_amount' | 'fixed_price' | 'n_for_m';
  valeur?: number | null;
  quantiteAchetee?: number | null;
  quantitePayee?: number | null;
  dateDebut?: string | null;
  dateFin?: string | null;
  actif?: boolean;
  code?: string | null;
  produitIds?: string[];
  familleIds?: string[];
}

export async function createPromotion(db: Db, orgId: string, p: PromotionInput = {}) {
  const type = p.type ?? 'percentage';
  return inTx(db, async (c) => {
    const id = await insert(c, 'promotions', {
      org_id: orgId,
      nom: p.nom ?? 'Happy hour',
      type,
      valeur: p.valeur !== undefined ? p.valeur : type === 'n_for_m' ? null : 10,
      quantite_achetee: p.quantiteAchetee ?? (type === 'n_for_m' ? 3 : null),
      quantite_payee: p.quantitePayee ?? (type === 'n_for_m' ? 2 : null),
      date_debut: p.dateDebut ?? null,
      date_fin: p.dateFin ?? null,
      actif: p.actif,
      code: p.code ?? null,
      ...times(p),
    });
    for (const produitId of p.produitIds ?? []) {
      await c.query(`INSERT INTO promotion_produits (org_id, promotion_id, produit_id) VALUES ($1, $2, $3)`, [orgId, id, produitId]);
    }
    for (const familleId of p.familleIds ?? []) {
      await c.query(`INSERT INTO promotion_familles (org_id, promotion_id, famille_id) VALUES ($1, $2, $3)`, [orgId, id, familleId]);
    }
    return id;
  });
}
