-- Sign in with an identity provider (README "Sign in with an identity provider (JWT)"): the
-- provider's organisation id, under its issuer, maps to one of ours. Linked by the admin CLI
-- (link-identity-org) or an owner (POST /api/v1/identity-links).
CREATE TABLE identity_org_links (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id           uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  issuer           text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
  external_org_id  text NOT NULL CHECK (length(external_org_id) BETWEEN 1 AND 200),
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- One of ours per provider organisation; the unique index serves the per-request lookup.
  CONSTRAINT identity_org_links_issuer_external_key UNIQUE (issuer, external_org_id)
);
CREATE INDEX identity_org_links_org_idx ON identity_org_links (org_id, created_at);
