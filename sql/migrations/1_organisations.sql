-- Tenants. Every tenant-owned table has an org_id referencing this one.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE organisations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  -- The POS edition decides API access (seed 000): group editions include it, others buy the add-on.
  edition     text NOT NULL DEFAULT 'express'
              CHECK (edition IN ('express', 'boutique', 'studio', 'restaurant', 'group', 'restaurant_group')),
  api_addon   boolean NOT NULL DEFAULT false,
  -- Date-only filters (e.g. tickets of a business day) are interpreted in this zone.
  timezone    text NOT NULL DEFAULT 'Europe/Brussels',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Keeps updated_at true for every writer (the API, the POS, a psql session).
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TRIGGER organisations_updated_at BEFORE UPDATE ON organisations
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
