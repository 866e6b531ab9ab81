-- The ops module's project representations (seed 002): one function per resource builds the JSON
-- the API serves (lists aggregate them over the page's rows) and, later, event payloads carry.
-- Timestamps through pos_ts (RFC 3339, UTC, Z; migration 3).

CREATE OR REPLACE FUNCTION ops_project_json(p projects) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'name', p.name, 'description', p.description, 'created_by', p.created_by,
    'created_at', pos_ts(p.created_at), 'updated_at', pos_ts(p.updated_at))
$$;

-- A member is shown as the user (id, email, name) with the project role.
CREATE OR REPLACE FUNCTION ops_project_member_json(m project_members) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', m.user_id, 'email', u.email, 'name', u.name, 'role', m.role, 'added_by', m.added_by,
    'created_at', pos_ts(m.created_at), 'updated_at', pos_ts(m.updated_at))
    FROM users u WHERE u.id = m.user_id
$$;
