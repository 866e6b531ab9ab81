-- The partner data (seed 001): the sales team, the partner catalogue (sellable packages; not the
-- POS produits), booking links, leads, calls, payments and the commissions each payment earns
-- the team. Written by the sales tools, read through /api/v1/{team-members,leads,calls,...}.
--
-- As in 3_pos.sql: children reference their parents by (org_id, id), so no row can point at
-- another organisation's; money is integer minor units with its ISO 4217 currency; rates are
-- basis points (1/100 of a percent). The JSON the API serves is built by
-- sql/functions/partner/renderers.sql.

-- ---------------------------------------------------------------- team_members
CREATE TABLE team_members (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id               uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  -- The member's subject at the identity provider (a JWT `sub`), when linked.
  external_user_id     text CHECK (length(external_user_id) BETWEEN 1 AND 255),
  name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email                text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
  role                 text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'closer', 'setter')),
  commission_rate_bps  integer NOT NULL DEFAULT 0 CHECK (commission_rate_bps BETWEEN 0 AND 10000),
  active               boolean NOT NULL DEFAULT true,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX team_members_org_email_key ON team_members (org_id, lower(email));
CREATE UNIQUE INDEX team_members_org_external_key ON team_members (org_id, external_user_id) WHERE external_user_id IS NOT NULL;
CREATE INDEX team_members_org_created_idx ON team_members (org_id, created_at, id);
CREATE INDEX team_members_org_updated_idx ON team_members (org_id, updated_at, id);
CREATE INDEX team_members_org_role_idx ON team_members (org_id, role, created_at, id);
CREATE INDEX team_members_org_active_idx ON team_members (org_id, active, created_at, id);
CREATE TRIGGER team_members_updated_at BEFORE UPDATE ON team_members FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- products
-- one_time: a single charge; recurring: every `interval`, open-ended; payment_plan: the price in
-- `installment_count` charges, one per `interval`. commission_rate_bps NULL: each member's own rate.
CREATE TABLE products (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id               uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description          text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  active               boolean NOT NULL DEFAULT true,
  price_amount         integer NOT NULL CHECK (price_amount BETWEEN 0 AND 1000000000),
  currency             char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  billing              text NOT NULL DEFAULT 'one_time' CHECK (billing IN ('one_time', 'recurring', 'payment_plan')),
  interval             text CHECK (interval IN ('month', 'year')),
  installment_count    smallint CHECK (installment_count BETWEEN 2 AND 120),
  commission_rate_bps  integer CHECK (commission_rate_bps BETWEEN 0 AND 10000),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  CHECK (CASE billing
           WHEN 'one_time' THEN interval IS NULL AND installment_count IS NULL
           WHEN 'recurring' THEN interval IS NOT NULL AND installment_count IS NULL
           ELSE interval IS NOT NULL AND installment_count IS NOT NULL
         END)
);
CREATE INDEX products_org_created_idx ON products (org_id, created_at, id);
CREATE INDEX products_org_updated_idx ON products (org_id, updated_at, id);
CREATE INDEX products_org_active_idx ON products (org_id, active, created_at, id);
CREATE INDEX products_org_billing_idx ON products (org_id, billing, created_at, id);
CREATE TRIGGER products_updated_at BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- booking_links
-- What a client books a call through; a widget embeds `url` (no key in the browser).
CREATE TABLE booking_links (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id            uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  slug              text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
  url               text NOT NULL CHECK (url ~ '^https://[^\s]+$' AND length(url) <= 2000),
  active            boolean NOT NULL DEFAULT true,
  duration_minutes  smallint NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
  distribution      text NOT NULL DEFAULT 'single' CHECK (distribution IN ('single', 'round_robin', 'collective')),
  product_id        uuid,
  location_type     text NOT NULL DEFAULT 'video' CHECK (location_type IN ('video', 'phone', 'in_person')),
  -- IANA zone the link's availability is expressed in.
  time_zone         text NOT NULL DEFAULT 'Europe/Brussels' CHECK (length(time_zone) BETWEEN 1 AND 64),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  UNIQUE (org_id, slug),
  FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE SET NULL (product_id)
);
CREATE INDEX booking_links_org_created_idx ON booking_links (org_id, created_at, id);
CREATE INDEX booking_links_org_updated_idx ON booking_links (org_id, updated_at, id);
CREATE INDEX booking_links_org_active_idx ON booking_links (org_id, active, created_at, id);
CREATE INDEX booking_links_product_idx ON booking_links (org_id, product_id) WHERE product_id IS NOT NULL;
CREATE TRIGGER booking_links_updated_at BEFORE UPDATE ON booking_links FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The team members a booking link distributes its calls to.
CREATE TABLE booking_link_members (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id           uuid NOT NULL,
  booking_link_id  uuid NOT NULL,
  team_member_id   uuid NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  UNIQUE (org_id, booking_link_id, team_member_id),
  FOREIGN KEY (org_id, booking_link_id) REFERENCES booking_links (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, team_member_id) REFERENCES team_members (org_id, id) ON DELETE CASCADE
);
-- The team_member_id filter of /booking-links, and the FK.
CREATE INDEX booking_link_members_member_idx ON booking_link_members (org_id, team_member_id, booking_link_id);
CREATE TRIGGER booking_link_members_updated_at BEFORE UPDATE ON booking_link_members FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Changing who a link distributes to changes the link (incremental sync, webhooks); a link
-- written in the same transaction is left alone, as for POS promotions.
CREATE FUNCTION booking_link_members_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE booking_links b SET updated_at = now()
    FROM (SELECT DISTINCT org_id, booking_link_id FROM changed_members) c
   WHERE b.org_id = c.org_id AND b.id = c.booking_link_id
     AND b.updated_at < now() AND b.xmin <> pg_current_xact_id()::xid;
  RETURN NULL;
END;
$$;
CREATE TRIGGER booking_link_members_touch_insert AFTER INSERT ON booking_link_members
  REFERENCING NEW TABLE AS changed_members FOR EACH STATEMENT EXECUTE FUNCTION booking_link_members_touch();
CREATE TRIGGER booking_link_members_touch_delete AFTER DELETE ON booking_link_members
  REFERENCING OLD TABLE AS changed_members FOR EACH STATEMENT EXECUTE FUNCTION booking_link_members_touch();

-- ---------------------------------------------------------------- leads
CREATE TABLE leads (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id             uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  first_name         text NOT NULL DEFAULT '' CHECK (length(first_name) <= 200),
  last_name          text NOT NULL DEFAULT '' CHECK (length(last_name) <= 200),
  email              text CHECK (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
  -- E.164.
  phone              text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  status             text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'booked', 'qualified', 'won', 'lost', 'disqualified')),
  source             text NOT NULL DEFAULT 'manual' CHECK (source IN ('booking_link', 'form', 'import', 'api', 'manual', 'other')),
  utm_source         text CHECK (length(utm_source) BETWEEN 1 AND 200),
  utm_medium         text CHECK (length(utm_medium) BETWEEN 1 AND 200),
  utm_campaign       text CHECK (length(utm_campaign) BETWEEN 1 AND 200),
  utm_content        text CHECK (length(utm_content) BETWEEN 1 AND 200),
  utm_term           text CHECK (length(utm_term) BETWEEN 1 AND 200),
  assigned_to_id     uuid,
  booking_link_id    uuid,
  last_contacted_at  timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  -- Someone to reach: a lead without a name, an email and a phone is noise.
  CHECK (first_name <> '' OR last_name <> '' OR email IS NOT NULL OR phone IS NOT NULL),
  FOREIGN KEY (org_id, assigned_to_id) REFERENCES team_members (org_id, id) ON DELETE SET NULL (assigned_to_id),
  FOREIGN KEY (org_id, booking_link_id) REFERENCES booking_links (org_id, id) ON DELETE SET NULL (booking_link_id)
);
CREATE INDEX leads_org_created_idx ON leads (org_id, created_at, id);
CREATE INDEX leads_org_updated_idx ON leads (org_id, updated_at, id);
-- A closer's pipeline (`assigned_to` + `status`), and the FK.
CREATE INDEX leads_org_assigned_status_idx ON leads (org_id, assigned_to_id, status, created_at, id);
CREATE INDEX leads_org_status_idx ON leads (org_id, status, created_at, id);
CREATE INDEX leads_org_source_idx ON leads (org_id, source, created_at, id);
CREATE INDEX leads_org_booking_link_idx ON leads (org_id, booking_link_id, created_at, id) WHERE booking_link_id IS NOT NULL;
CREATE INDEX leads_org_email_idx ON leads (org_id, lower(email)) WHERE email IS NOT NULL;
CREATE TRIGGER leads_updated_at BEFORE UPDATE ON leads FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- calls
-- ended_at, outcome and a recording exist once a call took place (completed).
CREATE TABLE calls (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id            uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  lead_id           uuid NOT NULL,
  team_member_id    uuid,
  booking_link_id   uuid,
  scheduled_at      timestamptz NOT NULL,
  duration_minutes  smallint NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
  ended_at          timestamptz,
  status            text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'completed', 'canceled', 'no_show')),
  outcome           text CHECK (outcome IN ('won', 'lost', 'follow_up', 'not_qualified')),
  recording_url     text CHECK (recording_url ~ '^https://[^\s]+$' AND length(recording_url) <= 2000),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  CHECK (status = 'completed' OR (ended_at IS NULL AND outcome IS NULL AND recording_url IS NULL)),
  FOREIGN KEY (org_id, lead_id) REFERENCES leads (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, team_member_id) REFERENCES team_members (org_id, id) ON DELETE SET NULL (team_member_id),
  FOREIGN KEY (org_id, booking_link_id) REFERENCES booking_links (org_id, id) ON DELETE SET NULL (booking_link_id)
);
-- The list's order (scheduled_at, id) and the scheduled_from/to range.
CREATE INDEX calls_org_scheduled_idx ON calls (org_id, scheduled_at, id);
CREATE INDEX calls_org_updated_idx ON calls (org_id, updated_at, id);
CREATE INDEX calls_org_lead_idx ON calls (org_id, lead_id, scheduled_at, id);
CREATE INDEX calls_org_member_idx ON calls (org_id, team_member_id, scheduled_at, id);
CREATE INDEX calls_org_status_idx ON calls (org_id, status, scheduled_at, id);
CREATE INDEX calls_org_outcome_idx ON calls (org_id, outcome, scheduled_at, id) WHERE outcome IS NOT NULL;
CREATE INDEX calls_org_booking_link_idx ON calls (org_id, booking_link_id) WHERE booking_link_id IS NOT NULL;
CREATE TRIGGER calls_updated_at BEFORE UPDATE ON calls FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- payments
-- paid_at is when the money was captured: set once a payment succeeded (and kept through
-- refunds and disputes), absent while pending or after a failure.
CREATE TABLE payments (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  lead_id               uuid NOT NULL,
  product_id            uuid,
  call_id               uuid,
  closer_id             uuid,
  amount                integer NOT NULL CHECK (amount BETWEEN 1 AND 1000000000),
  amount_refunded       integer NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
  currency              char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded', 'disputed')),
  processor             text NOT NULL DEFAULT 'manual' CHECK (processor IN ('stripe', 'paypal', 'manual', 'other')),
  processor_payment_id  text CHECK (length(processor_payment_id) BETWEEN 1 AND 255),
  -- Which charge of a payment plan (1 = the first); NULL for a single charge.
  installment_number    smallint CHECK (installment_number BETWEEN 1 AND 120),
  paid_at               timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  CHECK (amount_refunded <= amount),
  CHECK ((paid_at IS NULL) = (status IN ('pending', 'failed'))),
  CHECK (CASE status
           WHEN 'refunded' THEN amount_refunded = amount
           WHEN 'partially_refunded' THEN amount_refunded > 0 AND amount_refunded < amount
           WHEN 'disputed' THEN true
           ELSE amount_refunded = 0
         END),
  FOREIGN KEY (org_id, lead_id) REFERENCES leads (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id) ON DELETE SET NULL (product_id),
  FOREIGN KEY (org_id, call_id) REFERENCES calls (org_id, id) ON DELETE SET NULL (call_id),
  FOREIGN KEY (org_id, closer_id) REFERENCES team_members (org_id, id) ON DELETE SET NULL (closer_id)
);
CREATE UNIQUE INDEX payments_processor_key ON payments (org_id, processor, processor_payment_id) WHERE processor_payment_id IS NOT NULL;
CREATE INDEX payments_org_created_idx ON payments (org_id, created_at, id);
CREATE INDEX payments_org_updated_idx ON payments (org_id, updated_at, id);
CREATE INDEX payments_org_status_idx ON payments (org_id, status, created_at, id);
CREATE INDEX payments_org_lead_idx ON payments (org_id, lead_id, created_at, id);
CREATE INDEX payments_org_product_idx ON payments (org_id, product_id, created_at, id);
CREATE INDEX payments_org_closer_idx ON payments (org_id, closer_id, created_at, id);
CREATE INDEX payments_org_call_idx ON payments (org_id, call_id) WHERE call_id IS NOT NULL;
-- paid_from/paid_to.
CREATE INDEX payments_org_paid_idx ON payments (org_id, paid_at, id) WHERE paid_at IS NOT NULL;
CREATE TRIGGER payments_updated_at BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- commissions
-- What one team member earns from one payment, snapshotted (rate and amount) when it is earned.
CREATE TABLE commissions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          uuid NOT NULL,
  payment_id      uuid NOT NULL,
  team_member_id  uuid NOT NULL,
  role            text NOT NULL CHECK (role IN ('closer', 'setter', 'manager')),
  rate_bps        integer NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
  amount          integer NOT NULL CHECK (amount >= 0),
  currency        char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'paid', 'voided')),
  paid_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  UNIQUE (org_id, payment_id, team_member_id, role),
  CHECK ((paid_at IS NOT NULL) = (status = 'paid')),
  FOREIGN KEY (org_id, payment_id) REFERENCES payments (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, team_member_id) REFERENCES team_members (org_id, id) ON DELETE CASCADE
);
-- /payments?team_member_id= (any commission recipient), and the FK.
CREATE INDEX commissions_member_idx ON commissions (org_id, team_member_id, payment_id);
CREATE TRIGGER commissions_updated_at BEFORE UPDATE ON commissions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A payment's commissions that still count (not voided) never exceed its amount, and are in its
-- currency. Checked at commit (a writer may lower an amount and its commissions in one
-- transaction), under the payment's row lock so two concurrent writers cannot both pass.
CREATE FUNCTION commissions_within_payment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p_org uuid := NEW.org_id;
  p_id uuid;
  pay payments;
  total bigint;
BEGIN
  -- Separate statements: NEW has no payment_id when the payment itself changed.
  IF TG_TABLE_NAME = 'payments' THEN p_id := NEW.id; ELSE p_id := NEW.payment_id; END IF;
  SELECT * INTO pay FROM payments WHERE org_id = p_org AND id = p_id FOR UPDATE;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF EXISTS (SELECT 1 FROM commissions c WHERE c.org_id = p_org AND c.payment_id = p_id AND c.currency <> pay.currency) THEN
    RAISE EXCEPTION 'commissions of payment % must be in its currency %', p_id, pay.currency
      USING ERRCODE = 'check_violation', CONSTRAINT = 'commissions_within_payment';
  END IF;
  SELECT coalesce(sum(c.amount), 0) INTO total FROM commissions c
   WHERE c.org_id = p_org AND c.payment_id = p_id AND c.status <> 'voided';
  IF total > pay.amount THEN
    RAISE EXCEPTION 'commissions of payment % (%) exceed its amount (%)', p_id, total, pay.amount
      USING ERRCODE = 'check_violation', CONSTRAINT = 'commissions_within_payment';
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER commissions_within_payment AFTER INSERT OR UPDATE OF amount, currency, status, payment_id ON commissions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION commissions_within_payment();
CREATE CONSTRAINT TRIGGER payments_cover_commissions AFTER UPDATE OF amount, currency ON payments
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION commissions_within_payment();

-- A payment is one document with its commissions: changing them changes the payment
-- (incremental sync); a payment written in the same transaction is left alone.
CREATE FUNCTION commissions_touch_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE payments p SET updated_at = now()
    FROM (SELECT DISTINCT org_id, payment_id FROM changed_commissions) c
   WHERE p.org_id = c.org_id AND p.id = c.payment_id
     AND p.updated_at < now() AND p.xmin <> pg_current_xact_id()::xid;
  RETURN NULL;
END;
$$;
CREATE TRIGGER commissions_touch_insert AFTER INSERT ON commissions
  REFERENCING NEW TABLE AS changed_commissions FOR EACH STATEMENT EXECUTE FUNCTION commissions_touch_payment();
CREATE TRIGGER commissions_touch_update AFTER UPDATE ON commissions
  REFERENCING NEW TABLE AS changed_commissions FOR EACH STATEMENT EXECUTE FUNCTION commissions_touch_payment();
CREATE TRIGGER commissions_touch_delete AFTER DELETE ON commissions
  REFERENCING OLD TABLE AS changed_commissions FOR EACH STATEMENT EXECUTE FUNCTION commissions_touch_payment();
