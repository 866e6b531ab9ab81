-- The ops module's run events (run.succeeded, run.failed, run.cancelled): published by a trigger
-- on runs in the writer's own transaction (the worker finishing a run, a cancel, the lost-worker
-- sweep, or psql), to the run's project's endpoints only (webhook_publish_project). A rolled-back
-- change publishes nothing; the event fires once, on the transition into the final status.

-- The body lives in sql/functions/ops/run-events.sql, applied right after the migrations under the
-- same lock (src/db/migrate.ts); a trigger needs the function to exist when it is created.
CREATE FUNCTION webhook_run_changes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$;

CREATE TRIGGER runs_webhook_finished_insert AFTER INSERT ON runs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_run_changes();
CREATE TRIGGER runs_webhook_finished_update AFTER UPDATE ON runs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_run_changes();
