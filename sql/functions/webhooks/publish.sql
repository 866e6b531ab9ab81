-- Publishing an event: the outbox row and its deliveries, in the writer's transaction. Re-applied
-- at every boot (src/db/sql-functions.ts); tables and triggers stay in sql/migrations/4_webhooks.sql.

-- msg_ + a ULID (48-bit milliseconds, 80 random bits, Crockford base32): unique, sortable by time.
CREATE OR REPLACE FUNCTION webhook_event_id() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
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
-- Returns the event id, or null. An organisation-level event: a project's endpoints never get it
-- (they get their project's events, webhook_publish_project).
CREATE OR REPLACE FUNCTION webhook_publish(p_org uuid, p_type text, p_data jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_id text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE org_id = p_org AND project_id IS NULL AND active AND p_type = ANY (events)) THEN
    RETURN NULL;
  END IF;
  v_id := webhook_event_id();
  INSERT INTO webhook_events (id, org_id, type, data) VALUES (v_id, p_org, p_type, p_data);
  INSERT INTO webhook_deliveries (org_id, endpoint_id, event_id)
    SELECT p_org, e.id, v_id FROM webhook_endpoints e WHERE e.org_id = p_org AND e.project_id IS NULL AND e.active AND p_type = ANY (e.events);
  -- Wakes idle workers at commit (LISTEN webhook_deliveries); polling is the fallback.
  PERFORM pg_notify('webhook_deliveries', '');
  RETURN v_id;
END;
$$;

-- A project's event (x-delivered-to: project in the spec, e.g. run.succeeded): delivered to the
-- active endpoints of that project subscribed to the type, and to no other (Stripe-like: an event
-- goes to the endpoints of the account it happened in). Same outbox, same delivery machinery.
CREATE OR REPLACE FUNCTION webhook_publish_project(p_org uuid, p_project uuid, p_type text, p_data jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_id text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE org_id = p_org AND project_id = p_project AND active AND p_type = ANY (events)) THEN
    RETURN NULL;
  END IF;
  v_id := webhook_event_id();
  INSERT INTO webhook_events (id, org_id, type, data) VALUES (v_id, p_org, p_type, p_data);
  INSERT INTO webhook_deliveries (org_id, endpoint_id, event_id)
    SELECT p_org, e.id, v_id FROM webhook_endpoints e WHERE e.org_id = p_org AND e.project_id = p_project AND e.active AND p_type = ANY (e.events);
  PERFORM pg_notify('webhook_deliveries', '');
  RETURN v_id;
END;
$$;

-- The organisations with an active endpoint subscribed to a type: triggers filter their rows
-- with it first, so bulk writes to an org without subscribers cost one hash semi-join.
CREATE OR REPLACE FUNCTION webhook_subscribed_orgs(p_type text) RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
  SELECT DISTINCT org_id FROM webhook_endpoints WHERE active AND project_id IS NULL AND p_type = ANY (events);
$$;
