-- A patch's API representation and its status as its executions decide it. Re-applied at every boot.
--
-- ops_patch_json is the one renderer of a patch: the patch operations' responses
-- (handlers/ops/patches/patch-json.ts selects it with the row) and the patch.* webhook payloads,
-- rendered at commit by ops_patch_by_id.
CREATE OR REPLACE FUNCTION ops_patch_ident(name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- PostgreSQL's own rule: bare only when it reads back as the same name (lower case, and not a
  -- keyword that needs quoting: "select".items, not select.items).
  SELECT quote_ident(name)
$$;

CREATE OR REPLACE FUNCTION ops_patch_ts(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE OR REPLACE FUNCTION ops_patch_json(p patches) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'project_id', p.project_id, 'connection_id', p.connection_id, 'name', p.name,
    'table', ops_patch_ident(p.table_schema) || '.' || ops_patch_ident(p.table_name),
    'operation', p.operation, 'set', p.set_values, 'where', p.where_sql, 'where_input', p.where_input,
    'allow_all_rows', p.allow_all_rows, 'max_rows', p.max_rows, 'expected_rows', p.expected_rows,
    'status', p.status, 'content_hash', p.content_hash, 'last_dry_run', p.last_dry_run,
    'created_by', p.created_by, 'created_at', ops_patch_ts(p.created_at), 'updated_at', ops_patch_ts(p.updated_at))
$$;

-- The patch.* events' x-render-function: (organisation, patch id) → the patch as committed.
CREATE OR REPLACE FUNCTION ops_patch_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT ops_patch_json(p) FROM patches p WHERE p.org_id = p_org AND p.id = p_id
$$;

-- Moves a patch's status to what its executions say (the one place that does, so the run
-- executors and the reconcile after a lost worker agree), and publishes patch.executed /
-- patch.rolled_back on the transition, in the caller's transaction:
--   its execute undecided (started/prepared)            → executing (a reconcile will decide);
--   its execute committed, and a committed rollback of
--     it that was forced or met no conflict            → rolled_back;
--   its execute committed                               → executed;
--   no execute but aborted ones, while 'executing'      → failed (nothing changed; fix and retry).
-- Other statuses without an execution (draft, failed…) are left as they are. Returns the status.
CREATE OR REPLACE FUNCTION ops_patch_settle(p_id uuid) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_patch patches;
  v_exec patch_executions;
  v_status text;
BEGIN
  SELECT * INTO v_patch FROM patches WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  -- At most one execute that is not aborted (patch_executions_one_execute_idx).
  SELECT * INTO v_exec FROM patch_executions WHERE patch_id = p_id AND kind = 'execute' AND state <> 'aborted';
  IF NOT FOUND THEN
    v_status := CASE WHEN v_patch.status = 'executing' THEN 'failed' ELSE v_patch.status END;
  ELSIF v_exec.state IN ('started', 'prepared') THEN
    v_status := 'executing';
  ELSIF EXISTS (SELECT 1 FROM patch_executions r
                 WHERE r.reverts_execution_id = v_exec.id AND r.state = 'committed' AND (r.forced OR r.conflicts = '[]'::jsonb)) THEN
    v_status := 'rolled_back';
  ELSE
    v_status := 'executed';
  END IF;
  IF v_status IS DISTINCT FROM v_patch.status THEN
    UPDATE patches SET status = v_status WHERE id = p_id;
    IF v_status IN ('executed', 'rolled_back') THEN
      PERFORM webhook_publish_project(v_patch.org_id, v_patch.project_id, 'patch.' || v_status, jsonb_build_object('id', p_id));
    END IF;
  END IF;
  RETURN v_status;
END;
$$;
