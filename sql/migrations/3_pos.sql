-- The POS data (seed 000): catalogue (familles, produits), clients, tickets with their lignes,
-- promotions. Written by the POS terminals, read through the API.
--
-- Tenant safety: child rows reference their parent by (org_id, id), so a ligne can never point at
-- another organisation's ticket or produit, whatever the writer does.
-- API representation: one SQL function per resource (pos_*_json) builds the JSON the API serves;
-- the webhook triggers call the same functions, so payloads and GDPR masking cannot drift.

-- RFC 3339 in UTC with Z, truncated to the second (so `updated_since=<a value we served>` is
-- inclusive of the row it came from).
CREATE FUNCTION pos_ts(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- ---------------------------------------------------------------- familles
CREATE TABLE familles (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  parent_id    uuid,
  nom          text NOT NULL CHECK (length(nom) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  -- Display order in the POS among its siblings.
  position     integer NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 1000000),
  actif        boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  CHECK (parent_id IS DISTINCT FROM id),
  FOREIGN KEY (org_id, parent_id) REFERENCES familles (org_id, id) ON DELETE SET NULL (parent_id)
);
CREATE INDEX familles_org_position_idx ON familles (org_id, position, id);
CREATE INDEX familles_org_updated_idx ON familles (org_id, updated_at, id);
CREATE INDEX familles_parent_idx ON familles (org_id, parent_id) WHERE parent_id IS NOT NULL;
CREATE TRIGGER familles_updated_at BEFORE UPDATE ON familles FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- produits
CREATE TABLE produits (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  famille_id   uuid,
  nom          text NOT NULL CHECK (length(nom) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  -- SKU, free form; empty when the shop does not use one.
  reference    text NOT NULL DEFAULT '' CHECK (length(reference) <= 64),
  -- EAN-8 / UPC-A / EAN-13 / GTIN-14, or NULL.
  code_barre   text CHECK (code_barre ~ '^([0-9]{8}|[0-9]{12,14})$'),
  prix_ttc     integer NOT NULL CHECK (prix_ttc BETWEEN 0 AND 100000000),
  currency     char(3) NOT NULL DEFAULT 'EUR' CHECK (currency = 'EUR'),
  -- Belgian VAT rates, in percent.
  taux_tva     smallint NOT NULL CHECK (taux_tva IN (0, 6, 12, 21)),
  unite        text NOT NULL DEFAULT 'piece' CHECK (unite IN ('piece', 'kg', 'g', 'l', 'cl', 'm', 'portion')),
  actif        boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, famille_id) REFERENCES familles (org_id, id) ON DELETE SET NULL (famille_id)
);
CREATE INDEX produits_org_created_idx ON produits (org_id, created_at, id);
CREATE INDEX produits_org_actif_created_idx ON produits (org_id, actif, created_at, id);
CREATE INDEX produits_org_updated_idx ON produits (org_id, updated_at, id);
CREATE INDEX produits_famille_idx ON produits (org_id, famille_id) WHERE famille_id IS NOT NULL;
CREATE TRIGGER produits_updated_at BEFORE UPDATE ON produits FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- clients
CREATE TABLE clients (
  id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                     uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  nom                        text NOT NULL CHECK (length(nom) BETWEEN 1 AND 200),
  prenom                     text NOT NULL DEFAULT '' CHECK (length(prenom) <= 200),
  societe                    text NOT NULL DEFAULT '' CHECK (length(societe) <= 200),
  email                      text CHECK (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
  telephone                  text NOT NULL DEFAULT '' CHECK (length(telephone) <= 32),
  adresse_rue                text NOT NULL DEFAULT '' CHECK (length(adresse_rue) <= 200),
  adresse_code_postal        text NOT NULL DEFAULT '' CHECK (length(adresse_code_postal) <= 16),
  adresse_ville              text NOT NULL DEFAULT '' CHECK (length(adresse_ville) <= 100),
  adresse_pays               char(2) NOT NULL DEFAULT 'BE' CHECK (adresse_pays ~ '^[A-Z]{2}$'),
  -- B2B: BE0123456789 style (any EU VAT number), or NULL.
  numero_tva                 text CHECK (numero_tva ~ '^[A-Z]{2}[0-9A-Z]{2,13}$'),
  consentement_marketing     boolean NOT NULL DEFAULT false,
  consentement_marketing_le  timestamptz,
  points_fidelite            integer NOT NULL DEFAULT 0 CHECK (points_fidelite >= 0),
  niveau_fidelite            text NOT NULL DEFAULT 'bronze' CHECK (niveau_fidelite IN ('bronze', 'silver', 'gold', 'platinum')),
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  -- When consent was given is known exactly when it is given.
  CHECK (consentement_marketing = (consentement_marketing_le IS NOT NULL))
);
CREATE INDEX clients_org_created_idx ON clients (org_id, created_at, id);
CREATE INDEX clients_org_updated_idx ON clients (org_id, updated_at, id);
CREATE TRIGGER clients_updated_at BEFORE UPDATE ON clients FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- tickets
-- numero is sequential per organisation: one counter row per org, taken under its row lock.
CREATE TABLE ticket_counters (
  org_id       uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
  last_numero  bigint NOT NULL CHECK (last_numero >= 0)
);

CREATE TABLE tickets (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id              uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  numero              bigint NOT NULL CHECK (numero > 0),
  -- When the ticket was closed at the till.
  date_heure          timestamptz NOT NULL,
  caisse              text NOT NULL CHECK (length(caisse) BETWEEN 1 AND 100),
  vendeur             text NOT NULL DEFAULT '' CHECK (length(vendeur) <= 200),
  client_id           uuid,
  statut              text NOT NULL DEFAULT 'paid' CHECK (statut IN ('paid', 'cancelled', 'refunded')),
  currency            char(3) NOT NULL DEFAULT 'EUR' CHECK (currency = 'EUR'),
  total_ttc           integer NOT NULL,
  total_ht            integer NOT NULL,
  total_tva           integer NOT NULL,
  -- Written by the POS with the ticket and never queried apart from it: kept on the row.
  -- [{taux, base_ht, montant_tva, total_ttc}] one item per rate, and [{methode, montant}].
  ventilation_tva     jsonb NOT NULL DEFAULT '[]',
  paiements           jsonb NOT NULL DEFAULT '[]',
  -- B2B invoice: all four set, or none.
  numero_facture      text CHECK (length(numero_facture) BETWEEN 1 AND 64),
  facture_societe     text CHECK (length(facture_societe) BETWEEN 1 AND 200),
  facture_numero_tva  text CHECK (facture_numero_tva ~ '^[A-Z]{2}[0-9A-Z]{2,13}$'),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  UNIQUE (org_id, numero),
  CHECK (total_ttc = total_ht + total_tva),
  CHECK ((numero_facture IS NULL) = (facture_societe IS NULL)),
  CHECK (facture_numero_tva IS NULL OR numero_facture IS NOT NULL),
  CHECK (jsonb_typeof(ventilation_tva) = 'array'
         AND NOT jsonb_path_exists(ventilation_tva,
           '$[*] ? (!(@.taux == 0 || @.taux == 6 || @.taux == 12 || @.taux == 21) || @.base_ht.type() != "number" || @.montant_tva.type() != "number" || @.total_ttc.type() != "number")')),
  CHECK (jsonb_typeof(paiements) = 'array'
         AND NOT jsonb_path_exists(paiements,
           '$[*] ? (!(@.methode == "cash" || @.methode == "card" || @.methode == "meal_voucher" || @.methode == "voucher" || @.methode == "transfer" || @.methode == "other") || @.montant.type() != "number")')),
  FOREIGN KEY (org_id, client_id) REFERENCES clients (org_id, id) ON DELETE SET NULL (client_id)
);
-- Date range (debut/fin) and the default order; the invoice-only variant; incremental sync.
CREATE INDEX tickets_org_date_idx ON tickets (org_id, date_heure, id);
CREATE INDEX tickets_org_factures_date_idx ON tickets (org_id, date_heure, id) WHERE numero_facture IS NOT NULL;
CREATE INDEX tickets_org_updated_idx ON tickets (org_id, updated_at, id);
CREATE INDEX tickets_client_idx ON tickets (org_id, client_id) WHERE client_id IS NOT NULL;
CREATE TRIGGER tickets_updated_at BEFORE UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Takes the next numero unless the writer gave one (bulk loaders number a whole batch at once
-- and move the counter themselves). The counter row lock serialises an org's ticket inserts,
-- which is what keeps the sequence gapless.
CREATE FUNCTION tickets_assign_numero() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_counters AS c (org_id, last_numero) VALUES (NEW.org_id, 1)
  ON CONFLICT (org_id) DO UPDATE SET last_numero = c.last_numero + 1
  RETURNING c.last_numero INTO NEW.numero;
  RETURN NEW;
END;
$$;
CREATE TRIGGER tickets_numero BEFORE INSERT ON tickets
  FOR EACH ROW WHEN (NEW.numero IS NULL) EXECUTE FUNCTION tickets_assign_numero();

CREATE TABLE ticket_lignes (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id         uuid NOT NULL,
  ticket_id      uuid NOT NULL,
  -- Order on the ticket, from 1.
  position       smallint NOT NULL CHECK (position BETWEEN 1 AND 10000),
  produit_id     uuid,
  libelle        text NOT NULL CHECK (length(libelle) BETWEEN 1 AND 200),
  quantite       numeric(12, 3) NOT NULL CHECK (quantite > 0),
  prix_unitaire  integer NOT NULL CHECK (prix_unitaire >= 0),
  remise         integer NOT NULL DEFAULT 0 CHECK (remise >= 0),
  taux_tva       smallint NOT NULL CHECK (taux_tva IN (0, 6, 12, 21)),
  total_ttc      integer NOT NULL CHECK (total_ttc >= 0),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (ticket_id, position),
  CHECK (total_ttc = round(quantite * prix_unitaire) - remise),
  FOREIGN KEY (org_id, ticket_id) REFERENCES tickets (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, produit_id) REFERENCES produits (org_id, id) ON DELETE SET NULL (produit_id)
);
CREATE INDEX ticket_lignes_produit_idx ON ticket_lignes (org_id, produit_id) WHERE produit_id IS NOT NULL;
CREATE TRIGGER ticket_lignes_updated_at BEFORE UPDATE ON ticket_lignes FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A ticket is one document: correcting its lines later changes the ticket for incremental sync.
-- Statement-level, so a bulk load pays one query, not one per line. A ticket written in this
-- same transaction is left alone: its writer has just set its updated_at.
CREATE FUNCTION ticket_lignes_touch_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tickets t SET updated_at = now()
    FROM (SELECT DISTINCT org_id, ticket_id FROM changed_lignes) c
   WHERE t.org_id = c.org_id AND t.id = c.ticket_id
     AND t.updated_at < now() AND t.xmin <> pg_current_xact_id()::xid;
  RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_lignes_touch_insert AFTER INSERT ON ticket_lignes
  REFERENCING NEW TABLE AS changed_lignes FOR EACH STATEMENT EXECUTE FUNCTION ticket_lignes_touch_ticket();
CREATE TRIGGER ticket_lignes_touch_update AFTER UPDATE ON ticket_lignes
  REFERENCING NEW TABLE AS changed_lignes FOR EACH STATEMENT EXECUTE FUNCTION ticket_lignes_touch_ticket();
CREATE TRIGGER ticket_lignes_touch_delete AFTER DELETE ON ticket_lignes
  REFERENCING OLD TABLE AS changed_lignes FOR EACH STATEMENT EXECUTE FUNCTION ticket_lignes_touch_ticket();

-- ---------------------------------------------------------------- promotions
CREATE TABLE promotions (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id             uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  nom                text NOT NULL CHECK (length(nom) BETWEEN 1 AND 200),
  description        text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  type               text NOT NULL CHECK (type IN ('percentage', 'fixed_amount', 'fixed_price', 'n_for_m')),
  -- percentage: whole percent off (1-100); fixed_amount: cents off; fixed_price: price in cents;
  -- n_for_m: NULL (the quantities say it).
  valeur             integer CHECK (valeur >= 0),
  quantite_achetee   smallint CHECK (quantite_achetee BETWEEN 2 AND 100),
  quantite_payee     smallint CHECK (quantite_payee >= 1),
  currency           char(3) NOT NULL DEFAULT 'EUR' CHECK (currency = 'EUR'),
  -- Inclusive business days in the organisation's time zone; NULL: open-ended.
  date_debut         date,
  date_fin           date,
  actif              boolean NOT NULL DEFAULT true,
  -- Code to type at the till; NULL: applied automatically.
  code               text CHECK (code ~ '^[A-Z0-9_-]{2,32}$'),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  CHECK (date_fin IS NULL OR date_debut IS NULL OR date_fin >= date_debut),
  CHECK (CASE type
           WHEN 'n_for_m' THEN valeur IS NULL AND quantite_achetee IS NOT NULL AND quantite_payee < quantite_achetee
           WHEN 'percentage' THEN valeur BETWEEN 1 AND 100 AND quantite_achetee IS NULL AND quantite_payee IS NULL
           ELSE valeur IS NOT NULL AND quantite_achetee IS NULL AND quantite_payee IS NULL
         END)
);
CREATE INDEX promotions_org_created_idx ON promotions (org_id, created_at, id);
CREATE INDEX promotions_org_actif_created_idx ON promotions (org_id, actif, created_at, id);
CREATE INDEX promotions_org_updated_idx ON promotions (org_id, updated_at, id);
CREATE UNIQUE INDEX promotions_org_code_key ON promotions (org_id, code) WHERE code IS NOT NULL;
CREATE TRIGGER promotions_updated_at BEFORE UPDATE ON promotions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- What a promotion applies to: produits, familles (and their produits), or both.
CREATE TABLE promotion_produits (
  org_id        uuid NOT NULL,
  promotion_id  uuid NOT NULL,
  produit_id    uuid NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (promotion_id, produit_id),
  FOREIGN KEY (org_id, promotion_id) REFERENCES promotions (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, produit_id) REFERENCES produits (org_id, id) ON DELETE CASCADE
);
CREATE INDEX promotion_produits_produit_idx ON promotion_produits (org_id, produit_id);

CREATE TABLE promotion_familles (
  org_id        uuid NOT NULL,
  promotion_id  uuid NOT NULL,
  famille_id    uuid NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (promotion_id, famille_id),
  FOREIGN KEY (org_id, promotion_id) REFERENCES promotions (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, famille_id) REFERENCES familles (org_id, id) ON DELETE CASCADE
);
CREATE INDEX promotion_familles_famille_idx ON promotion_familles (org_id, famille_id);

-- Changing what a promotion applies to changes the promotion (incremental sync, webhooks);
-- as for ticket lines, a promotion written in the same transaction is left alone.
CREATE FUNCTION promotion_targets_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE promotions p SET updated_at = now()
    FROM (SELECT DISTINCT org_id, promotion_id FROM changed_targets) c
   WHERE p.org_id = c.org_id AND p.id = c.promotion_id
     AND p.updated_at < now() AND p.xmin <> pg_current_xact_id()::xid;
  RETURN NULL;
END;
$$;
CREATE TRIGGER promotion_produits_touch_insert AFTER INSERT ON promotion_produits
  REFERENCING NEW TABLE AS changed_targets FOR EACH STATEMENT EXECUTE FUNCTION promotion_targets_touch();
CREATE TRIGGER promotion_produits_touch_delete AFTER DELETE ON promotion_produits
  REFERENCING OLD TABLE AS changed_targets FOR EACH STATEMENT EXECUTE FUNCTION promotion_targets_touch();
CREATE TRIGGER promotion_familles_touch_insert AFTER INSERT ON promotion_familles
  REFERENCING NEW TABLE AS changed_targets FOR EACH STATEMENT EXECUTE FUNCTION promotion_targets_touch();
CREATE TRIGGER promotion_familles_touch_delete AFTER DELETE ON promotion_familles
  REFERENCING OLD TABLE AS changed_targets FOR EACH STATEMENT EXECUTE FUNCTION promotion_targets_touch();

-- ---------------------------------------------------------------- API representations
-- One function per resource: the API and the webhook payloads both call these.

CREATE FUNCTION pos_famille_json(f familles) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', f.id, 'parent_id', f.parent_id, 'nom', f.nom, 'description', f.description,
    'position', f.position, 'actif', f.actif,
    'created_at', pos_ts(f.created_at), 'updated_at', pos_ts(f.updated_at))
$$;

CREATE FUNCTION pos_produit_json(p produits) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'famille_id', p.famille_id, 'nom', p.nom, 'description', p.description,
    'reference', p.reference, 'code_barre', p.code_barre,
    'prix_ttc', p.prix_ttc, 'currency', p.currency, 'taux_tva', p.taux_tva, 'unite', p.unite,
    'actif', p.actif, 'created_at', pos_ts(p.created_at), 'updated_at', pos_ts(p.updated_at))
$$;

-- GDPR (seed 000): without marketing consent, email is null and telephone is "" — here and
-- therefore everywhere a client appears.
CREATE FUNCTION pos_client_json(c clients) RETURNS jsonb
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

CREATE FUNCTION pos_ticket_ligne_json(l ticket_lignes) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', l.id, 'position', l.position, 'produit_id', l.produit_id, 'libelle', l.libelle,
    'quantite', trim_scale(l.quantite), 'prix_unitaire', l.prix_unitaire, 'remise', l.remise,
    'taux_tva', l.taux_tva, 'total_ttc', l.total_ttc)
$$;

-- A ticket's representation from the ticket, its customer's JSON and its lines' JSON (null: the
-- key is left out, as in the list without withLignes). A plain expression, so the planner inlines
-- it: the list fetches customers and lines for a whole page with joins, not a call per ticket.
CREATE FUNCTION pos_ticket_json_with(t tickets, client jsonb, lignes jsonb) RETURNS jsonb
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
CREATE FUNCTION pos_ticket_lignes_json(t tickets) RETURNS SETOF jsonb
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1 AS $$
  SELECT coalesce(jsonb_agg(pos_ticket_ligne_json(l) ORDER BY l.position), '[]'::jsonb)
    FROM ticket_lignes l WHERE l.org_id = t.org_id AND l.ticket_id = t.id
$$;

-- The ticket as the API shows it: the detail and the webhook payloads include the lines; the
-- list leaves them out unless asked (withLignes=true). Reads the lines at call time: from a
-- trigger, call it once they are written (e.g. a deferred constraint trigger).
CREATE FUNCTION pos_ticket_json(t tickets, with_lignes boolean DEFAULT true) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT pos_ticket_json_with(t,
    (SELECT pos_client_json(c) FROM clients c WHERE c.org_id = t.org_id AND c.id = t.client_id),
    CASE WHEN with_lignes THEN (SELECT j FROM pos_ticket_lignes_json(t) j) END)
$$;

-- en_cours: switched on and today (in the organisation's time zone) within its dates.
CREATE FUNCTION pos_promotion_json(p promotions) RETURNS jsonb
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
