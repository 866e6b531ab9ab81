-- The ops module's ground (seed 002): projects and their members, project-bound API keys,
-- connections to customers' PostgreSQL databases, runs (every long job), their event logs,
-- idempotent run creation, and schema snapshots from introspection.
--
-- As elsewhere: children reference their parents by (org_id, id), so no row points at another
-- organisation's. A target's password is never stored in clear (AES-256-GCM, like webhook secrets).

-- ---------------------------------------------------------------- projects
CREATE TABLE projects (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
  created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX projects_org_name_key ON projects (org_id, lower(name));
CREATE INDEX projects_org_created_idx ON projects (org_id, created_at, id);
CREATE INDEX projects_created_by_idx ON projects (created_by);
CREATE TRIGGER projects_updated_at BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A project role for an organisation member. Organisation owners and admins act as project
-- owners everywhere without a row here (handlers/ops/permissions.ts decides).
CREATE TABLE project_members (
  org_id      uuid NOT NULL,
  project_id  uuid NOT NULL,
  user_id     uuid NOT NULL,
  role        text NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'viewer')),
  added_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, user_id),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE,
  -- Only a member of the organisation can be a member of its projects; leaving it removes them.
  FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX project_members_user_idx ON project_members (org_id, user_id);
CREATE INDEX project_members_added_by_idx ON project_members (added_by);
CREATE INDEX project_members_org_project_idx ON project_members (org_id, project_id);
CREATE TRIGGER project_members_updated_at BEFORE UPDATE ON project_members FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A key bound to one project reaches that project's resources only; deleting the project deletes it.
-- authenticate_api_key (sql/functions/access/2-authenticate.sql) now also returns the key's
-- project_id. CREATE OR REPLACE cannot change a function's result columns, so the old one goes
-- here; the functions re-applied after the migrations recreate it.
DROP FUNCTION IF EXISTS authenticate_api_key(bytea, timestamptz, inet, int, int);
ALTER TABLE api_keys ADD COLUMN project_id uuid;
ALTER TABLE api_keys ADD FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE;
CREATE INDEX api_keys_project_idx ON api_keys (org_id, project_id) WHERE project_id IS NOT NULL;

-- Project webhooks: the same endpoints and delivery machinery, bound to one project.
ALTER TABLE webhook_endpoints ADD COLUMN project_id uuid;
ALTER TABLE webhook_endpoints ADD FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE;
CREATE INDEX webhook_endpoints_project_idx ON webhook_endpoints (org_id, project_id) WHERE project_id IS NOT NULL;

-- ---------------------------------------------------------------- connections
-- Structured fields only, never a connection string (no `options=-c …`, no socket directory).
CREATE TABLE connections (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id              uuid NOT NULL,
  project_id          uuid NOT NULL,
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  environment         text NOT NULL CHECK (environment IN ('development', 'staging', 'production')),
  host                text NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
  port                integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  database            text NOT NULL CHECK (length(database) BETWEEN 1 AND 63),
  username            text NOT NULL CHECK (length(username) BETWEEN 1 AND 63),
  -- AES-256-GCM under CONNECTION_SECRETS_KEY, the connection id as associated data; NULL: no password.
  password_encrypted  bytea,
  ssl_mode            text NOT NULL DEFAULT 'require' CHECK (ssl_mode IN ('disable', 'require', 'verify-ca', 'verify-full')),
  read_only           boolean NOT NULL DEFAULT false,
  -- The last `POST …/test` result (without server text), for the console and `GET`.
  last_test           jsonb,
  created_by          uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX connections_project_name_key ON connections (project_id, lower(name));
CREATE INDEX connections_org_created_idx ON connections (org_id, created_at, id);
CREATE INDEX connections_created_by_idx ON connections (created_by);
CREATE INDEX connections_org_project_idx ON connections (org_id, project_id);
CREATE TRIGGER connections_updated_at BEFORE UPDATE ON connections FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- runs
-- One resource for every long job on a customer database. queued → running → succeeded | failed |
-- cancelled, with cancelling between running and cancelled. A worker holds a lease it renews by
-- heartbeat; an expired lease is a lost worker (failed, WORKER_LOST).
CREATE TABLE runs (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id               uuid NOT NULL,
  project_id           uuid NOT NULL,
  kind                 text NOT NULL CHECK (kind ~ '^[a-z][a-z_.]{0,62}$'),
  -- What it works on: a connection (introspect), a patch (next issues)…
  subject_type         text NOT NULL,
  subject_id           uuid NOT NULL,
  status               text NOT NULL DEFAULT 'queued'
                       CHECK (status IN ('queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled')),
  params               jsonb NOT NULL DEFAULT '{}',
  progress             jsonb,
  result               jsonb,
  error_code           text,
  error_message        text,
  -- Who started it (audit-style actor): a user, an API key, or the system (schedules).
  actor_type           text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
  actor_id             uuid,
  actor_metadata       jsonb NOT NULL DEFAULT '{}',
  attempts             integer NOT NULL DEFAULT 0,
  claimed_by           uuid,
  lease_until          timestamptz,
  heartbeat_at         timestamptz,
  -- The target backend running the run's statement, for pg_cancel_backend from a second connection.
  target_backend_pid   integer,
  -- Which connection target_backend_pid belongs to: the sweep stops a lost worker's target query there.
  target_connection_id uuid,
  -- run_events.seq is allocated by bumping this counter in the statement that inserts the event, so
  -- the worker, a cancel request and the lost-worker sweep never take the same number.
  last_event_seq       integer NOT NULL DEFAULT 0,
  cancel_requested_at  timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  started_at           timestamptz,
  finished_at          timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE
);
CREATE INDEX runs_org_created_idx ON runs (org_id, created_at DESC, id DESC);
CREATE INDEX runs_project_created_idx ON runs (project_id, created_at DESC, id DESC);
CREATE INDEX runs_org_project_idx ON runs (org_id, project_id);
CREATE INDEX runs_subject_idx ON runs (subject_id, created_at DESC);
-- The queue: what a worker may claim, and leases to watch.
CREATE INDEX runs_queued_idx ON runs (created_at) WHERE status = 'queued';
CREATE INDEX runs_active_idx ON runs (lease_until) WHERE status IN ('running', 'cancelling');
CREATE TRIGGER runs_updated_at BEFORE UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- run events (webhooks)
-- The ops module's run events (run.succeeded, run.failed, run.cancelled): published by a trigger
-- on runs in the writer's own transaction, to the run's project's endpoints only; a rolled-back
-- change publishes nothing; the event fires once, on the transition into the final status.
-- The body lives in sql/functions/ops/run-events.sql, applied right after the migrations under the
-- same lock (src/db/migrate.ts); a trigger needs the function to exist when it is created.
CREATE FUNCTION webhook_run_changes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$;

CREATE TRIGGER runs_webhook_finished_insert AFTER INSERT ON runs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_run_changes();
CREATE TRIGGER runs_webhook_finished_update AFTER UPDATE ON runs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_run_changes();

CREATE TABLE run_events (
  run_id   uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq      integer NOT NULL CHECK (seq >= 1),
  at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  level    text NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
  message  text NOT NULL CHECK (length(message) <= 2000),
  data     jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (run_id, seq)
);

-- Idempotency-Key on run-creating requests: the same key and body within 24 h → the same run;
-- another body → 409. Keyed per organisation and credential, like Stripe's per account.
CREATE TABLE idempotency_keys (
  org_id          uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  -- Whose key: 'api_key:<id>', 'user:<id>', 'jwt:<iss>#<sub>'.
  principal_ref   text NOT NULL,
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  operation_id    text NOT NULL,
  request_hash    bytea NOT NULL,
  run_id          uuid REFERENCES runs (id) ON DELETE CASCADE,
  -- The original answer (status and body), replayed as Stripe does.
  response_status integer,
  response_body   jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL DEFAULT now() + interval '24 hours',
  PRIMARY KEY (org_id, principal_ref, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
CREATE INDEX idempotency_keys_run_idx ON idempotency_keys (run_id) WHERE run_id IS NOT NULL;

-- ---------------------------------------------------------------- schema snapshots
-- Introspection's result: the sorted JSON of a target's schema and its SHA-256 fingerprint.
CREATE TABLE schema_snapshots (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id         uuid NOT NULL,
  connection_id  uuid NOT NULL,
  run_id         uuid REFERENCES runs (id) ON DELETE SET NULL,
  fingerprint    text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  snapshot       jsonb NOT NULL,
  server_version text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, connection_id) REFERENCES connections (org_id, id) ON DELETE CASCADE
);
CREATE INDEX schema_snapshots_connection_idx ON schema_snapshots (connection_id, created_at DESC, id DESC);
CREATE INDEX schema_snapshots_run_idx ON schema_snapshots (run_id);
CREATE INDEX schema_snapshots_org_connection_idx ON schema_snapshots (org_id, connection_id);
