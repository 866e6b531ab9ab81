-- The POS tables' events: statement-level triggers (attached in sql/migrations/4_webhooks.sql)
-- publish `<resource>.created` / `<resource>.updated` with the resource's pos_<resource>_json, in
-- the writer's transaction. Re-applied at every boot (src/db/sql-functions.ts).

-- AFTER INSERT / UPDATE, once per statement: bulk writes pay one query, and nothing when no
-- endpoint anywhere subscribes to the type. TG_ARGV[0]: the resource ('client'); TG_ARGV[1]
-- (updates): columns whose change alone is not news, e.g. '{updated_at}'.
CREATE OR REPLACE FUNCTION webhook_pos_changes() RETURNS trigger LANGUAGE plpgsql AS $$
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
