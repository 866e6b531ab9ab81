-- Sliding-window rate limits (see README, Access): a ring of 61 one-second counters per bucket.

-- One bucket, locked by the caller: its counts brought forward to p_sec (seconds that left the
-- window zeroed and subtracted), their sum, and the millisecond at which p_need more requests
-- fit under p_limit (p_need > p_limit never fits: a minute away, the caller refuses it anyway).
CREATE OR REPLACE FUNCTION rate_limit_window(p_counts int[], p_total int, p_last_sec bigint, p_sec bigint, p_limit int, p_need int,
  OUT counts int[], OUT used int, OUT next_ms bigint)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  d int;            -- loop offsets stay small: a PL/pgSQL FOR variable is always an integer
  sec bigint;
  i int;
  freed int := 0;
BEGIN
  counts := p_counts;
  used := p_total;
  IF p_sec - p_last_sec >= 61 THEN
    counts := array_fill(0, ARRAY[61]);
    used := 0;
  ELSE
    FOR d IN 1 .. (p_sec - p_last_sec)::int LOOP
      i := (((p_last_sec + d) % 61) + 61) % 61 + 1;
      used := used - counts[i];
      counts[i] := 0;
    END LOOP;
  END IF;
  IF used + p_need <= p_limit THEN
    next_ms := p_sec * 1000;
  ELSIF p_need > p_limit THEN
    next_ms := (p_sec + 61) * 1000;
  ELSE
    -- Full (rare): walk from the oldest second until enough requests have left the window.
    FOR d IN 0 .. 60 LOOP
      sec := p_sec - 60 + d;
      freed := freed + counts[((sec % 61) + 61) % 61 + 1];
      IF used - freed + p_need <= p_limit THEN
        next_ms := (sec + 61) * 1000;
        EXIT;
      END IF;
    END LOOP;
  END IF;
END;
$$;

-- The window row of one bucket, created on first use, locked for the caller's transaction.
CREATE OR REPLACE FUNCTION rate_limit_lock(p_bucket text, p_sec bigint) RETURNS rate_limit_windows
LANGUAGE plpgsql AS $$
DECLARE
  w rate_limit_windows;
BEGIN
  SELECT * INTO w FROM rate_limit_windows WHERE bucket = p_bucket FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO rate_limit_windows VALUES (p_bucket, p_sec, array_fill(0, ARRAY[61]), 0) ON CONFLICT DO NOTHING;
    SELECT * INTO w FROM rate_limit_windows WHERE bucket = p_bucket FOR UPDATE;
  END IF;
  RETURN w;
END;
$$;

-- Takes p_cost slots from the principal's own window and, when p_org_bucket is given, from its
-- organisation's, or none: a request is admitted only if every window has room, and a refused
-- request consumes nothing. Rows are locked in a fixed order (organisation, then own) so
-- concurrent callers serialise without deadlock. org_* are NULL without an organisation window.
CREATE OR REPLACE FUNCTION rate_limit_take(
  p_own_bucket text, p_own_limit int, p_org_bucket text, p_org_limit int, p_now_ms bigint, p_cost int
) RETURNS TABLE (admitted boolean, own_remaining int, own_reset_ms bigint, org_remaining int, org_reset_ms bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_sec bigint := floor(p_now_ms / 1000.0);
  v_org rate_limit_windows;
  v_own rate_limit_windows;
  o_sec bigint;
  k_sec bigint;
  o record;
  k record;
  v_ok boolean;
  o_remaining int;
  o_reset bigint;
BEGIN
  IF p_org_bucket IS NOT NULL THEN
    v_org := rate_limit_lock(p_org_bucket, v_sec);
    -- A clock slightly behind another instance's never moves a window backwards.
    o_sec := greatest(v_sec, v_org.last_sec);
    o := rate_limit_window(v_org.counts, v_org.total, v_org.last_sec, o_sec, p_org_limit, p_cost);
  END IF;
  v_own := rate_limit_lock(p_own_bucket, v_sec);
  k_sec := greatest(v_sec, v_own.last_sec);
  k := rate_limit_window(v_own.counts, v_own.total, v_own.last_sec, k_sec, p_own_limit, p_cost);
  -- (PL/pgSQL evaluates both sides of an AND: `o` is touched only when it was assigned.)
  v_ok := k.used + p_cost <= p_own_limit;
  IF p_org_bucket IS NOT NULL THEN
    v_ok := v_ok AND o.used + p_cost <= p_org_limit;
  END IF;
  IF v_ok THEN
    k.counts[(k_sec % 61) + 1] := k.counts[(k_sec % 61) + 1] + p_cost;
    k.used := k.used + p_cost;
    -- The reset reported after an admission is when one more request fits.
    k := rate_limit_window(k.counts, k.used, k_sec, k_sec, p_own_limit, 1);
    IF p_org_bucket IS NOT NULL THEN
      o.counts[(o_sec % 61) + 1] := o.counts[(o_sec % 61) + 1] + p_cost;
      o.used := o.used + p_cost;
      o := rate_limit_window(o.counts, o.used, o_sec, o_sec, p_org_limit, 1);
    END IF;
  END IF;
  UPDATE rate_limit_windows SET counts = k.counts, total = k.used, last_sec = k_sec WHERE bucket = p_own_bucket;
  IF p_org_bucket IS NOT NULL THEN
    UPDATE rate_limit_windows SET counts = o.counts, total = o.used, last_sec = o_sec WHERE bucket = p_org_bucket;
    o_remaining := greatest(p_org_limit - o.used, 0);
    o_reset := greatest(o.next_ms, p_now_ms);
  END IF;
  RETURN QUERY SELECT v_ok, greatest(p_own_limit - k.used, 0), greatest(k.next_ms, p_now_ms), o_remaining, o_reset;
END;
$$;
