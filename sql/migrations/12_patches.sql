-- Mass patches (issue #18): the patch itself, each attempt to execute or roll it back, and the
-- row images that make a rollback possible. Row images are the only copy of the data a patch
-- overwrote or deleted: nothing here cascades away with a connection or a patch (RESTRICT).
--
-- An execution's states (the two-commit protocol, docs/patch-engine.md):
--   started   → nothing is committed on the target yet (the target commits only after 'prepared');
--   prepared  → the images are committed here; the target transaction may or may not have committed;
--   committed | aborted → decided (by the commit itself, by the target's txid_status, or by comparing rows).

CREATE TABLE patches (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          uuid NOT NULL,
  project_id      uuid NOT NULL,
  connection_id   uuid NOT NULL,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- The table as an identifier pair, unquoted (the engine quotes it).
  table_schema    text NOT NULL CHECK (length(table_schema) BETWEEN 1 AND 63),
  table_name      text NOT NULL CHECK (length(table_name) BETWEEN 1 AND 63),
  operation       text NOT NULL CHECK (operation IN ('update', 'delete')),
  -- {column: JSON value}; sent as bind parameters, never spliced into SQL.
  set_values      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(set_values) = 'object'),
  -- The WHERE as written, and its canonical form (what is hashed and run).
  where_input     text NOT NULL DEFAULT '',
  where_sql       text NOT NULL,
  allow_all_rows  boolean NOT NULL DEFAULT false,
  max_rows        integer NOT NULL CHECK (max_rows BETWEEN 1 AND 1000000),
  expected_rows   integer CHECK (expected_rows >= 0),
  status          text NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'ready', 'pending_approval', 'approved', 'executing', 'executed', 'failed', 'rolled_back')),
  -- SHA-256 of the canonical patch (engine/content-hash.ts); approvals and dry-runs are bound to it.
  content_hash    text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  -- The latest dry-run: {run_id, content_hash, affected_rows, sample[{pk, before, after}], at}.
  last_dry_run    jsonb,
  created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (org_id, connection_id) REFERENCES connections (org_id, id) ON DELETE RESTRICT,
  CHECK (operation = 'update' OR set_values = '{}'),
  CHECK (expected_rows IS NULL OR expected_rows <= max_rows)
);
CREATE INDEX patches_project_created_idx ON patches (project_id, created_at DESC, id DESC);
CREATE INDEX patches_connection_idx ON patches (connection_id);
CREATE TRIGGER patches_updated_at BEFORE UPDATE ON patches FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE patch_executions (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                uuid NOT NULL,
  patch_id              uuid NOT NULL,
  run_id                uuid REFERENCES runs (id) ON DELETE SET NULL,
  kind                  text NOT NULL CHECK (kind IN ('execute', 'rollback')),
  -- A rollback names the execution it reverts.
  reverts_execution_id  uuid REFERENCES patch_executions (id) ON DELETE RESTRICT,
  state                 text NOT NULL DEFAULT 'started' CHECK (state IN ('started', 'prepared', 'committed', 'aborted')),
  -- How the final state was decided: the target's COMMIT answered, txid_status(), row images, 'protocol' (never
  -- prepared, so the target cannot have committed), or an error before commit.
  decided_by            text CHECK (decided_by IN ('commit', 'txid_status', 'row_images', 'protocol', 'error')),
  content_hash          text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  target_txid           bigint,
  affected_rows         integer CHECK (affected_rows >= 0),
  forced                boolean NOT NULL DEFAULT false,
  -- Rollback: rows left alone because they changed since ([{pk, reason}]).
  conflicts             jsonb NOT NULL DEFAULT '[]',
  -- The target session's output settings when the images were taken (TimeZone, IntervalStyle,
  -- lc_monetary): rollback and reconcile compare rows under the same ones.
  session_settings      jsonb NOT NULL DEFAULT '{}',
  error_code            text,
  error_details         jsonb,
  created_at            timestamptz NOT NULL DEFAULT now(),
  prepared_at           timestamptz,
  decided_at            timestamptz,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, patch_id) REFERENCES patches (org_id, id) ON DELETE RESTRICT,
  CHECK ((kind = 'rollback') = (reverts_execution_id IS NOT NULL)),
  CHECK (state NOT IN ('prepared', 'committed') OR target_txid IS NOT NULL OR affected_rows = 0)
);
-- A patch is executed at most once: a second attempt (a retried request, a second worker) fails
-- on this while the first is alive or done. Rollbacks of one execution run one at a time; a later
-- one (say with force, after conflicts) is safe, rows already restored are left alone.
CREATE UNIQUE INDEX patch_executions_one_execute_idx ON patch_executions (patch_id) WHERE kind = 'execute' AND state <> 'aborted';
CREATE UNIQUE INDEX patch_executions_one_rollback_idx ON patch_executions (reverts_execution_id) WHERE state IN ('started', 'prepared');
CREATE INDEX patch_executions_patch_idx ON patch_executions (patch_id, created_at);
CREATE INDEX patch_executions_undecided_idx ON patch_executions (created_at) WHERE state IN ('started', 'prepared');

-- One changed row: its key, and the whole row before and after (row_to_json of the row; NULL after
-- a DELETE, NULL before a rollback's re-insert). json, not jsonb: json keeps a json column's text
-- exactly (whitespace, key order, duplicate keys), so a rollback writes back the same bytes.
CREATE TABLE patch_changes (
  execution_id  uuid NOT NULL REFERENCES patch_executions (id) ON DELETE RESTRICT,
  ord           integer NOT NULL CHECK (ord >= 1),
  pk            jsonb NOT NULL,
  before        json,
  after         json,
  PRIMARY KEY (execution_id, ord)
);

-- An index behind every foreign key (tests/platform/schema.test.ts): a user's or run's deletion
-- finds these rows by index.
CREATE INDEX patches_created_by_idx ON patches (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX patch_executions_run_idx ON patch_executions (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX patch_executions_reverts_idx ON patch_executions (reverts_execution_id) WHERE reverts_execution_id IS NOT NULL;
