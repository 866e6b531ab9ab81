-- A run's API representation (GET /api/v1/runs/{id}, lists, and the run.* webhook payloads): one
-- renderer, so an event never says more or less than the API. Re-applied at every boot.
-- Timestamps through pos_ts (RFC 3339, UTC, Z; migration 3).
CREATE OR REPLACE FUNCTION ops_run_json(r runs) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', r.id, 'project_id', r.project_id, 'kind', r.kind,
    'subject', jsonb_build_object('type', r.subject_type, 'id', r.subject_id),
    'status', r.status,
    'progress', CASE WHEN r.progress IS NULL THEN NULL ELSE jsonb_build_object(
      'phase', r.progress -> 'phase', 'done', r.progress -> 'done', 'total', r.progress -> 'total', 'unit', r.progress -> 'unit') END,
    'result', r.result,
    'error', CASE WHEN r.error_code IS NULL THEN NULL ELSE jsonb_build_object('code', r.error_code, 'message', coalesce(r.error_message, '')) END,
    'created_by', jsonb_build_object('type', r.actor_type, 'id', r.actor_id),
    'created_at', pos_ts(r.created_at), 'started_at', pos_ts(r.started_at),
    'finished_at', pos_ts(r.finished_at), 'cancel_requested_at', pos_ts(r.cancel_requested_at))
$$;

-- The run.* events' x-render-function: (organisation, run id) → the run as committed.
CREATE OR REPLACE FUNCTION ops_run_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT ops_run_json(r) FROM runs r WHERE r.org_id = p_org AND r.id = p_id
$$;
