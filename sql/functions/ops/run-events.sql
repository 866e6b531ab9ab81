-- run.succeeded / run.failed / run.cancelled (triggers on runs: sql/migrations/16_run_events.sql).
-- Once per statement: a run entering a final status (on insert: created in it) publishes
-- `run.<status>` with `{id}` to its project's endpoints; webhook_render fills `data` at commit
-- with ops_run_by_id, the renderer GET /runs/{id} uses. Nothing runs when no project endpoint
-- anywhere subscribes to run events. Re-applied at every boot.
CREATE OR REPLACE FUNCTION webhook_run_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints
                  WHERE active AND project_id IS NOT NULL AND events && '{run.succeeded,run.failed,run.cancelled}'::text[]) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM webhook_publish_project(n.org_id, n.project_id, 'run.' || n.status, jsonb_build_object('id', n.id))
       FROM new_rows n
      WHERE n.status IN ('succeeded', 'failed', 'cancelled');
  ELSE
    PERFORM webhook_publish_project(n.org_id, n.project_id, 'run.' || n.status, jsonb_build_object('id', n.id))
       FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.status IN ('succeeded', 'failed', 'cancelled') AND o.status IS DISTINCT FROM n.status;
  END IF;
  RETURN NULL;
END;
$$;
