-- Webhooks (issue 5): subscriptions, a transactional outbox, and the delivery queue.
--
-- Any writer of the POS tables (the API, the POS, an import, a psql session) produces events:
-- statement-level triggers write them into webhook_events, with one webhook_deliveries row per
-- subscribed endpoint, in the writer's own transaction — a rolled-back change produces none.
-- Workers claim due deliveries with FOR UPDATE SKIP LOCKED (src/webhooks/).

CREATE TABLE webhook_endpoints (
  id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                    uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  url                       text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  events                    text[] NOT NULL CHECK (cardinality(events) >= 1),
  description               text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
  -- The one switch: the owner turns it off, or the system does (410 Gone, or 5 days of failures).
  active                    boolean NOT NULL DEFAULT true,
  -- The signing secret must be usable for HMAC, so it is kept — encrypted (AES-256-GCM with a
  -- key from the configuration, the endpoint id as associated data), never in clear.
  secret_encrypted          bytea NOT NULL,
  -- After a rotation the old secret signs too, until it expires (24 h).
  previous_secret_encrypted bytea,
  previous_secret_expires_at timestamptz,
  disabled_at               timestamptz,
  disabled_reason           text CHECK (disabled_reason IN ('gone', 'failing')),
  -- Start of the current run of failed attempts; cleared by any success.
  failing_since             timestamptz,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_org_created_idx ON webhook_endpoints (org_id, created_at DESC, id DESC);
-- Fan-out: "which active endpoints of this org want this type".
CREATE INDEX webhook_endpoints_active_org_idx ON webhook_endpoints (org_id) WHERE active;
CREATE TRIGGER webhook_endpoints_updated_at BEFORE UPDATE ON webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The outbox. id is the `webhook-id` header, stable across retries: msg_ + a ULID.
CREATE TABLE webhook_events (
  id          text PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  type        text NOT NULL,
  -- The `data` of the payload: the API's representation of the object (GDPR-masked like the API).
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_created_idx ON webhook_events (created_at);

-- One row per (event, endpoint): the delivery and its retry state.
CREATE TABLE webhook_deliveries (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id              uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  endpoint_id         uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id            text NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts            integer NOT NULL DEFAULT 0,
  -- When a worker may take it (pending only): the next attempt, or the end of the current lease.
  next_attempt_at     timestamptz DEFAULT now(),
  -- A lease: the worker (or API request) making an attempt holds it until claimed_until; its
  -- result is recorded only if it still holds it, so an expired lease taken over is never clobbered.
  claimed_by          uuid,
  claimed_until       timestamptz,
  last_attempt_at     timestamptz,
  last_status_code    integer,
  last_error          text,
  last_duration_ms    integer,
  last_response_body  text,
  delivered_at        timestamptz,
  failed_at           timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, endpoint_id),
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
-- The workers' claim query: due pending deliveries, oldest first.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- The delivery log of an endpoint, newest first.
CREATE INDEX webhook_deliveries_endpoint_created_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
-- Retention: finished deliveries are deleted 30 days after their last change.
CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (updated_at) WHERE status <> 'pending';
CREATE TRIGGER webhook_deliveries_updated_at BEFORE UPDATE ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- msg_ + a ULID (48-bit milliseconds, 80 random bits, Crockford base32): unique, sortable by time.
CREATE FUNCTION webhook_event_id() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  alphabet CONSTANT text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  rnd bytea := gen_random_bytes(10);
  hi bigint := 0;
  lo bigint := 0;
  out text := 'msg_';
  i int;
BEGIN
  FOR i IN 0..4 LOOP
    hi := (hi << 8) | get_byte(rnd, i);
    lo := (lo << 8) | get_byte(rnd, i + 5);
  END LOOP;
  FOR i IN REVERSE 9..0 LOOP out := out || substr(alphabet, ((ms >> (5 * i)) & 31)::int + 1, 1); END LOOP;
  FOR i IN REVERSE 7..0 LOOP out := out || substr(alphabet, ((hi >> (5 * i)) & 31)::int + 1, 1); END LOOP;
  FOR i IN REVERSE 7..0 LOOP out := out || substr(alphabet, ((lo >> (5 * i)) & 31)::int + 1, 1); END LOOP;
  RETURN out;
END;
$$;

-- Writes one event and its deliveries, one per active endpoint of the org subscribed to the type.
-- Nothing at all when no endpoint wants it (the outbox holds only events someone will receive).
-- Returns the event id, or null.
CREATE FUNCTION webhook_publish(p_org uuid, p_type text, p_data jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_id text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE org_id = p_org AND active AND p_type = ANY (events)) THEN
    RETURN NULL;
  END IF;
  v_id := webhook_event_id();
  INSERT INTO webhook_events (id, org_id, type, data) VALUES (v_id, p_org, p_type, p_data);
  INSERT INTO webhook_deliveries (org_id, endpoint_id, event_id)
    SELECT p_org, e.id, v_id FROM webhook_endpoints e WHERE e.org_id = p_org AND e.active AND p_type = ANY (e.events);
  -- Wakes idle workers at commit (LISTEN webhook_deliveries); polling is the fallback.
  PERFORM pg_notify('webhook_deliveries', '');
  RETURN v_id;
END;
$$;

-- The organisations with an active endpoint subscribed to a type: triggers filter their rows
-- with it first, so bulk writes to an org without subscribers cost one hash semi-join.
CREATE FUNCTION webhook_subscribed_orgs(p_type text) RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
  SELECT DISTINCT org_id FROM webhook_endpoints WHERE active AND p_type = ANY (events);
$$;

-- ---------------------------------------------------------------- POS events
-- The payload `data` is the API's representation, from the POS module's pos_*_json functions
-- (GDPR masking included), so a webhook never says more than GET /api/v1/... would.

-- The object as committed: a ticket's lines, a promotion's targets are written by later statements
-- of the same transaction, so every POS event is rendered again when the transaction commits.
CREATE FUNCTION webhook_render(p_type text, p_org uuid, p_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT CASE split_part(p_type, '.', 1)
    WHEN 'client' THEN (SELECT pos_client_json(c) FROM clients c WHERE c.org_id = p_org AND c.id = p_id)
    WHEN 'produit' THEN (SELECT pos_produit_json(p) FROM produits p WHERE p.org_id = p_org AND p.id = p_id)
    WHEN 'promotion' THEN (SELECT pos_promotion_json(p) FROM promotions p WHERE p.org_id = p_org AND p.id = p_id)
    WHEN 'ticket' THEN (SELECT pos_ticket_json(t) FROM tickets t WHERE t.org_id = p_org AND t.id = p_id)
  END
$$;

CREATE FUNCTION webhook_events_render_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_data jsonb := webhook_render(NEW.type, NEW.org_id, (NEW.data ->> 'id')::uuid);
BEGIN
  -- Deleted before the commit: the event keeps the object as it was when it was written.
  IF v_data IS NOT NULL AND v_data IS DISTINCT FROM NEW.data THEN
    UPDATE webhook_events SET data = v_data WHERE id = NEW.id;
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER webhook_events_render AFTER INSERT ON webhook_events
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.type IN ('client.created', 'client.updated', 'produit.created', 'produit.updated',
                     'promotion.created', 'promotion.updated', 'ticket.created'))
  EXECUTE FUNCTION webhook_events_render_at_commit();

-- AFTER INSERT / UPDATE, once per statement: bulk writes pay one query, and nothing when no
-- endpoint anywhere subscribes to the type. TG_ARGV[0]: the resource ('client'); TG_ARGV[1]
-- (updates): columns whose change alone is not news, e.g. '{updated_at}'.
CREATE FUNCTION webhook_pos_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_resource text := TG_ARGV[0];
  v_type text := v_resource || CASE TG_OP WHEN 'INSERT' THEN '.created' ELSE '.updated' END;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE active AND v_type = ANY (events)) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    EXECUTE format(
      'SELECT count(webhook_publish(n.org_id, $1, pos_%s_json(n::%I)))
         FROM new_rows n WHERE n.org_id IN (SELECT webhook_subscribed_orgs($1))',
      v_resource, TG_TABLE_NAME) USING v_type;
  ELSE
    EXECUTE format(
      'SELECT count(webhook_publish(n.org_id, $1, pos_%s_json(n::%I)))
         FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.org_id IN (SELECT webhook_subscribed_orgs($1)) AND to_jsonb(o) - $2 IS DISTINCT FROM to_jsonb(n) - $2',
      v_resource, TG_TABLE_NAME) USING v_type, coalesce(TG_ARGV[1], '{}')::text[];
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER clients_webhooks_insert AFTER INSERT ON clients
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_pos_changes('client');
CREATE TRIGGER clients_webhooks_update AFTER UPDATE ON clients
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_pos_changes('client', '{updated_at}');
CREATE TRIGGER produits_webhooks_insert AFTER INSERT ON produits
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_pos_changes('produit');
CREATE TRIGGER produits_webhooks_update AFTER UPDATE ON produits
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_pos_changes('produit', '{updated_at}');
CREATE TRIGGER promotions_webhooks_insert AFTER INSERT ON promotions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_pos_changes('promotion');
-- updated_at counts here: a change of its produits/familles shows as a touch of it (3_pos.sql).
CREATE TRIGGER promotions_webhooks_update AFTER UPDATE ON promotions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_pos_changes('promotion');
CREATE TRIGGER tickets_webhooks_insert AFTER INSERT ON tickets
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_pos_changes('ticket');
