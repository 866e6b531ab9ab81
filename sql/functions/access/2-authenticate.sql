-- Credential → principal in one round trip, with its rate-limit slots (src/auth/credentials/).

-- API-key authentication in one round trip: look the key up by its digest, and when it is
-- usable take p_cost rate-limit slots and refresh last_used_* (at most once a minute per key).
-- status: ok | revoked | expired. No row: unknown key. `org` is the organisation row, for the
-- modules' access policies. `project_id`: the ops project a project-bound key is limited to.
CREATE OR REPLACE FUNCTION authenticate_api_key(p_hash bytea, p_now timestamptz, p_ip inet, p_org_limit int, p_cost int)
RETURNS TABLE (
  key_id uuid, org_id uuid, project_id uuid, scopes text[], status text, key_limit int, org jsonb,
  admitted boolean, key_remaining int, key_reset_ms bigint, org_remaining int, org_reset_ms bigint
) LANGUAGE plpgsql AS $$
DECLARE
  k record;
  v_status text;
BEGIN
  SELECT a.id, a.org_id, a.project_id, a.scopes, a.revoked_at, a.expires_at, a.rate_limit_per_minute, a.last_used_at, to_jsonb(o) AS org
    INTO k
    FROM api_keys a JOIN organisations o ON o.id = a.org_id
   WHERE a.key_hash = p_hash;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  v_status := CASE
    WHEN k.revoked_at IS NOT NULL THEN 'revoked'
    WHEN k.expires_at IS NOT NULL AND k.expires_at <= p_now THEN 'expired'
    ELSE 'ok' END;
  IF v_status <> 'ok' THEN
    RETURN QUERY SELECT k.id, k.org_id, k.project_id, k.scopes, v_status, k.rate_limit_per_minute, k.org,
      false, NULL::int, NULL::bigint, NULL::int, NULL::bigint;
    RETURN;
  END IF;
  IF k.last_used_at IS NULL OR k.last_used_at < p_now - interval '60 seconds' THEN
    UPDATE api_keys SET last_used_at = p_now, last_used_ip = p_ip WHERE id = k.id;
  END IF;
  RETURN QUERY SELECT k.id, k.org_id, k.project_id, k.scopes, v_status, k.rate_limit_per_minute, k.org, r.*
    FROM rate_limit_take('key:' || k.id, k.rate_limit_per_minute, 'org:' || k.org_id, p_org_limit,
                         (extract(epoch FROM p_now) * 1000)::bigint, p_cost) r;
END;
$$;

-- Console-session authentication in one round trip: the live session with the user's role, and
-- p_cost slots from the user's own window. Sessions do not spend the organisation's API budget:
-- an integration that exhausts it must not lock its owner out of the console that revokes it.
CREATE OR REPLACE FUNCTION authenticate_session(p_hash bytea, p_now timestamptz, p_user_limit int, p_cost int)
RETURNS TABLE (
  session_id uuid, user_id uuid, org_id uuid, role text, org jsonb,
  admitted boolean, user_remaining int, user_reset_ms bigint
) LANGUAGE plpgsql AS $$
DECLARE
  s record;
BEGIN
  SELECT se.id, se.user_id, se.org_id, m.role, to_jsonb(o) AS org
    INTO s
    FROM sessions se
    JOIN memberships m ON m.org_id = se.org_id AND m.user_id = se.user_id
    JOIN organisations o ON o.id = se.org_id
   WHERE se.token_hash = p_hash AND se.revoked_at IS NULL AND se.expires_at > p_now;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  RETURN QUERY SELECT s.id, s.user_id, s.org_id, s.role, s.org, r.admitted, r.own_remaining, r.own_reset_ms
    FROM rate_limit_take('user:' || s.user_id, p_user_limit, NULL, NULL,
                         (extract(epoch FROM p_now) * 1000)::bigint, p_cost) r;
END;
$$;
