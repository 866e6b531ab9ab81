-- The runs queue (src/runs/): what migration 11's runs and idempotency_keys need besides.
--
-- last_event_seq: run_events.seq is allocated by bumping this counter in the same statement that
-- inserts the event, so the worker, a cancel request and the lost-worker sweep, writing events for
-- one run at once, never take the same number (max(seq)+1 under READ COMMITTED would).
ALTER TABLE runs ADD COLUMN last_event_seq integer NOT NULL DEFAULT 0;
-- Which connection target_backend_pid belongs to: the sweep stops a lost worker's target query there.
ALTER TABLE runs ADD COLUMN target_connection_id uuid;

-- Idempotency-Key replays the original answer (as Stripe does): its status and body, kept with the key.
ALTER TABLE idempotency_keys ADD COLUMN response_status integer;
ALTER TABLE idempotency_keys ADD COLUMN response_body jsonb;
-- Deleting a run (its project's deletion) finds its idempotency key by index, not by a scan.
CREATE INDEX idempotency_keys_run_idx ON idempotency_keys (run_id) WHERE run_id IS NOT NULL;
