-- An approval request's API representation (GET /api/v1/approvals, /approvals/{id}, PATCH's answer,
-- and the approval.* webhook payloads): one renderer, so an event never says more or less than the
-- API. Re-applied at every boot. Timestamps through pos_ts (RFC 3339, UTC, Z; migration 3).
-- `dry_run`: the patch's last dry-run when it ran exactly the content the request is bound to.
CREATE OR REPLACE FUNCTION ops_approval_json(a approval_requests) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', a.id, 'project_id', a.project_id, 'action', a.action,
    'subject', jsonb_build_object('type', a.subject_type, 'id', a.subject_id),
    'subject_hash', a.subject_hash, 'environment', a.environment, 'affected_rows', a.affected_rows,
    'status', a.status, 'required_approvals', a.required_approvals, 'approver_roles', to_jsonb(a.approver_roles),
    'approvals_count', coalesce(d.approvals, 0),
    'requested_by', jsonb_build_object('type', a.requested_by_type, 'id', a.requested_by_id),
    'decisions', coalesce(d.list, '[]'::jsonb),
    'dry_run', (SELECT jsonb_build_object('affected_rows', p.last_dry_run -> 'affected_rows', 'samples', coalesce(p.last_dry_run -> 'samples', '[]'::jsonb))
                  FROM patches p
                 WHERE a.patch_id IS NOT NULL AND p.org_id = a.org_id AND p.id = a.patch_id
                   AND p.last_dry_run ->> 'content_hash' = a.subject_hash),
    'expires_at', pos_ts(a.expires_at), 'created_at', pos_ts(a.created_at), 'decided_at', pos_ts(a.decided_at))
    FROM (SELECT count(*) FILTER (WHERE x.decision = 'approve')::int AS approvals,
                 jsonb_agg(jsonb_build_object('user_id', x.user_id, 'decision', x.decision, 'comment', x.comment, 'at', pos_ts(x.created_at))
                           ORDER BY x.created_at, x.id) AS list
            FROM approval_decisions x WHERE x.org_id = a.org_id AND x.request_id = a.id) d
$$;

-- The approval.* events' x-render-function: (organisation, request id) → the request as committed.
CREATE OR REPLACE FUNCTION ops_approval_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT ops_approval_json(a) FROM approval_requests a WHERE a.org_id = p_org AND a.id = p_id
$$;
