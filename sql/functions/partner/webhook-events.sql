-- The partner tables' events (triggers attached in sql/migrations/9_partner_events.sql). Each
-- publishes `{id}` in the writer's transaction; webhook_render fills `data` at commit from the
-- event type's `x-render-function`, the same renderer GET uses. Re-applied at every boot.

-- AFTER INSERT or UPDATE, once per statement, for one event type:
--   TG_ARGV[0] the event type ('lead.updated');
--   TG_ARGV[1] (optional) the transition that makes the event, so it fires once, on it:
--              'status=completed' (the column newly holds the value; on insert: holds it), or
--              'amount_refunded+' (the number grew; never on insert);
--   without one, an update publishes only when a column other than updated_at changed: a no-op
--   update emits nothing. Nothing at all runs when no endpoint subscribes to the type.
-- Dynamic SQL: one function serves several tables, whose transition tables differ in type.
CREATE OR REPLACE FUNCTION webhook_partner_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_type text := TG_ARGV[0];
  v_transition text := coalesce(TG_ARGV[1], '');
  v_grew boolean := right(v_transition, 1) = '+';
  v_column text := CASE WHEN right(v_transition, 1) = '+' THEN left(v_transition, -1) ELSE split_part(v_transition, '=', 1) END;
  v_value text := split_part(v_transition, '=', 2);
  v_news text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE active AND v_type = ANY (events)) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF v_grew THEN
      RETURN NULL;
    END IF;
    EXECUTE
      'SELECT count(webhook_publish(n.org_id, $1, jsonb_build_object(''id'', n.id)))
         FROM new_rows n
        WHERE n.org_id IN (SELECT webhook_subscribed_orgs($1)) AND ($2 = '''' OR to_jsonb(n) ->> $2 = $3)'
      USING v_type, v_column, v_value;
    RETURN NULL;
  END IF;
  v_news := CASE
    WHEN v_transition = '' THEN 'to_jsonb(o) - ''updated_at'' IS DISTINCT FROM to_jsonb(n) - ''updated_at'''
    WHEN v_grew THEN '(to_jsonb(n) ->> $2)::numeric > (to_jsonb(o) ->> $2)::numeric'
    ELSE 'to_jsonb(n) ->> $2 = $3 AND to_jsonb(o) ->> $2 IS DISTINCT FROM $3' END;
  EXECUTE
    'SELECT count(webhook_publish(n.org_id, $1, jsonb_build_object(''id'', n.id)))
       FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.org_id IN (SELECT webhook_subscribed_orgs($1)) AND ' || v_news
    USING v_type, v_column, v_value;
  RETURN NULL;
END;
$$;
