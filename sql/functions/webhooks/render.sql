-- Rendering at commit: a ticket's lines, a promotion's targets are written by later statements of
-- the same transaction, so every event is rendered again when its transaction commits (the
-- deferred constraint trigger webhook_events_render, sql/migrations/6_event_catalogue.sql) by
-- webhook_render, generated from the spec: each event type names its render function there
-- (`x-render-function`). Re-applied at every boot (src/db/sql-functions.ts).

-- Render functions take (organisation id, object id): the object's id is the payload's `data.id`.
CREATE OR REPLACE FUNCTION webhook_events_render_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_id text := NEW.data ->> 'id';
  v_data jsonb;
BEGIN
  -- A type without a render function may carry any data: never fail its writer's commit on it.
  IF v_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    RETURN NULL;
  END IF;
  v_data := webhook_render(NEW.type, NEW.org_id, v_id::uuid);
  -- Deleted before the commit: the event keeps the object as it was when it was written.
  IF v_data IS NOT NULL AND v_data IS DISTINCT FROM NEW.data THEN
    UPDATE webhook_events SET data = v_data WHERE id = NEW.id;
  END IF;
  RETURN NULL;
END;
$$;
