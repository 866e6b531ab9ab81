-- The event catalogue comes from the spec: every event is rendered again at commit by
-- webhook_render, which generated/webhook-render.sql builds from each event type's
-- `x-render-function` (a type without one renders to null and keeps its data). The trigger no
-- longer lists the types, so adding an event type needs no migration.
DROP TRIGGER webhook_events_render ON webhook_events;
CREATE CONSTRAINT TRIGGER webhook_events_render AFTER INSERT ON webhook_events
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION webhook_events_render_at_commit();
