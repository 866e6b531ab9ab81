-- Identity-provider JWTs (src/auth/credentials/jwt.ts), verified by the application: the issuer's
-- organisation mapped to ours through identity_org_links, and p_cost slots taken from the user's
-- own window (jwt:<issuer>:<sub>) and the organisation's — the same org:<id> bucket its API keys
-- spend, so one budget covers every integration. No row: the organisation is not linked.
CREATE OR REPLACE FUNCTION authenticate_jwt(
  p_issuer text, p_external_org text, p_subject text, p_now timestamptz, p_user_limit int, p_org_limit int, p_cost int
) RETURNS TABLE (
  org_id uuid, org jsonb,
  admitted boolean, user_remaining int, user_reset_ms bigint, org_remaining int, org_reset_ms bigint
) LANGUAGE plpgsql AS $$
DECLARE
  l record;
BEGIN
  SELECT o.id, to_jsonb(o) AS org
    INTO l
    FROM identity_org_links il JOIN organisations o ON o.id = il.org_id
   WHERE il.issuer = p_issuer AND il.external_org_id = p_external_org;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  RETURN QUERY SELECT l.id, l.org, r.*
    FROM rate_limit_take('jwt:' || p_issuer || ':' || p_subject, p_user_limit, 'org:' || l.id, p_org_limit,
                         (extract(epoch FROM p_now) * 1000)::bigint, p_cost) r;
END;
$$;
