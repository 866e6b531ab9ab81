-- The POS module's API representations: one function per resource builds the JSON the API serves
-- (lists aggregate them with jsonb_agg) and the webhook payloads carry, so GDPR masking and the
-- fields cannot drift between the two. Re-applied at every boot (src/db/sql-functions.ts): a change of
-- representation is an edit here, not a migration. CREATE OR REPLACE cannot change a function's
-- return type or argument names/types: such a change needs a DROP FUNCTION in a new migration first.

-- RFC 3339 in UTC with Z, truncated to the second (so `updated_since=<a value we served>` is
-- inclusive of the row it came from).
CREATE OR REPLACE FUNCTION pos_ts(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

CREATE OR REPLACE FUNCTION pos_famille_json(f familles) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', f.id, 'parent_id', f.parent_id, 'nom', f.nom, 'description', f.description,
    'position', f.position, 'actif', f.actif,
    'created_at', pos_ts(f.created_at), 'updated_at', pos_ts(f.updated_at))
$$;

CREATE OR REPLACE FUNCTION pos_produit_json(p produits) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'famille_id', p.famille_id, 'nom', p.nom, 'description', p.description,
    'reference', p.reference, 'code_barre', p.code_barre,
    'prix_ttc', p.prix_ttc, 'currency', p.currency, 'taux_tva', p.taux_tva, 'unite', p.unite,
    'actif', p.actif, 'created_at', pos_ts(p.created_at), 'updated_at', pos_ts(p.updated_at))
$$;

-- GDPR (seed 000): without marketing consent, email is null and telephone is "" — here and
-- therefore everywhere a client appears.
CREATE OR REPLACE FUNCTION pos_client_json(c clients) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', c.id, 'nom', c.nom, 'prenom', c.prenom, 'societe', c.societe,
    'email', CASE WHEN c.consentement_marketing THEN c.email END,
    'telephone', CASE WHEN c.consentement_marketing THEN c.telephone ELSE '' END,
    'adresse', CASE WHEN c.adresse_rue = '' AND c.adresse_code_postal = '' AND c.adresse_ville = '' THEN NULL
                    ELSE jsonb_build_object('rue', c.adresse_rue, 'code_postal', c.adresse_code_postal,
                                            'ville', c.adresse_ville, 'pays', c.adresse_pays) END,
    'numero_tva', c.numero_tva,
    'consentement_marketing', c.consentement_marketing,
    'consentement_marketing_le', pos_ts(c.consentement_marketing_le),
    'fidelite', jsonb_build_object('points', c.points_fidelite, 'niveau', c.niveau_fidelite),
    'created_at', pos_ts(c.created_at), 'updated_at', pos_ts(c.updated_at))
$$;

CREATE OR REPLACE FUNCTION pos_ticket_ligne_json(l ticket_lignes) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', l.id, 'position', l.position, 'produit_id', l.produit_id, 'libelle', l.libelle,
    'quantite', trim_scale(l.quantite), 'prix_unitaire', l.prix_unitaire, 'remise', l.remise,
    'taux_tva', l.taux_tva, 'total_ttc', l.total_ttc)
$$;

-- A ticket's representation from the ticket, its customer's JSON and its lines' JSON (null: the
-- key is left out, as in the list without withLignes). A plain expression, so the planner inlines
-- it: the list fetches customers and lines for a whole page with joins, not a call per ticket.
CREATE OR REPLACE FUNCTION pos_ticket_json_with(t tickets, client jsonb, lignes jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', t.id, 'numero', t.numero, 'date_heure', pos_ts(t.date_heure),
    'caisse', t.caisse, 'vendeur', t.vendeur, 'statut', t.statut, 'client', client,
    'currency', t.currency, 'total_ttc', t.total_ttc, 'total_ht', t.total_ht, 'total_tva', t.total_tva,
    'ventilation_tva', t.ventilation_tva, 'paiements', t.paiements,
    'facture', CASE WHEN t.numero_facture IS NOT NULL THEN jsonb_build_object(
                 'numero', t.numero_facture, 'societe', t.facture_societe, 'numero_tva', t.facture_numero_tva) END,
    'created_at', pos_ts(t.created_at), 'updated_at', pos_ts(t.updated_at))
  || CASE WHEN lignes IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('lignes', lignes) END
$$;

-- The lines of a ticket as one JSON array, by position. Set-returning (one row) so that, used in
-- FROM (LATERAL), the planner inlines it into an index scan on (ticket_id, position).
CREATE OR REPLACE FUNCTION pos_ticket_lignes_json(t tickets) RETURNS SETOF jsonb
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1 AS $$
  SELECT coalesce(jsonb_agg(pos_ticket_ligne_json(l) ORDER BY l.position), '[]'::jsonb)
    FROM ticket_lignes l WHERE l.org_id = t.org_id AND l.ticket_id = t.id
$$;

-- The ticket as the API shows it: the detail and the webhook payloads include the lines; the
-- list leaves them out unless asked (withLignes=true). Reads the lines at call time: from a
-- trigger, call it once they are written (e.g. a deferred constraint trigger).
CREATE OR REPLACE FUNCTION pos_ticket_json(t tickets, with_lignes boolean DEFAULT true) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT pos_ticket_json_with(t,
    (SELECT pos_client_json(c) FROM clients c WHERE c.org_id = t.org_id AND c.id = t.client_id),
    CASE WHEN with_lignes THEN (SELECT j FROM pos_ticket_lignes_json(t) j) END)
$$;

-- en_cours: switched on and today (in the organisation's time zone) within its dates.
CREATE OR REPLACE FUNCTION pos_promotion_json(p promotions) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'nom', p.nom, 'description', p.description, 'type', p.type, 'valeur', p.valeur,
    'quantite_achetee', p.quantite_achetee, 'quantite_payee', p.quantite_payee, 'currency', p.currency,
    'date_debut', p.date_debut, 'date_fin', p.date_fin, 'actif', p.actif,
    'en_cours', p.actif AND (SELECT (now() AT TIME ZONE o.timezone)::date BETWEEN coalesce(p.date_debut, '-infinity')
                                                                        AND coalesce(p.date_fin, 'infinity')
                               FROM organisations o WHERE o.id = p.org_id),
    'code', p.code,
    'produit_ids', coalesce((SELECT jsonb_agg(pp.produit_id ORDER BY pp.produit_id) FROM promotion_produits pp
                              WHERE pp.org_id = p.org_id AND pp.promotion_id = p.id), '[]'::jsonb),
    'famille_ids', coalesce((SELECT jsonb_agg(pf.famille_id ORDER BY pf.famille_id) FROM promotion_familles pf
                              WHERE pf.org_id = p.org_id AND pf.promotion_id = p.id), '[]'::jsonb),
    'created_at', pos_ts(p.created_at), 'updated_at', pos_ts(p.updated_at))
$$;

-- ---------------------------------------------------------------- webhook render functions
-- One per resource with events: the object by organisation and id, as GET /api/v1/<resource>/{id}
-- shows it, or null once deleted. Each event type names its own in the spec (`x-render-function`);
-- generated/webhook-render.sql dispatches to them when the event's transaction commits.

CREATE OR REPLACE FUNCTION pos_client_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT pos_client_json(c) FROM clients c WHERE c.org_id = p_org AND c.id = p_id
$$;

CREATE OR REPLACE FUNCTION pos_produit_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT pos_produit_json(p) FROM produits p WHERE p.org_id = p_org AND p.id = p_id
$$;

CREATE OR REPLACE FUNCTION pos_promotion_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT pos_promotion_json(p) FROM promotions p WHERE p.org_id = p_org AND p.id = p_id
$$;

CREATE OR REPLACE FUNCTION pos_ticket_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT pos_ticket_json(t) FROM tickets t WHERE t.org_id = p_org AND t.id = p_id
$$;
