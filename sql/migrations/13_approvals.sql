-- Approvals (issue #18): a project's approval policy, the approval requests that gate an action on
-- a subject (executing or rolling back a patch), and the people's decisions on them.
--
-- A request is bound to the subject's content hash: when the subject changes, the request is
-- superseded (never re-used for other content). One open (pending) request per (subject, action).

-- The project's rules; no row = the default policy (handlers/ops/approvals/policy.ts).
CREATE TABLE approval_policies (
  org_id      uuid NOT NULL,
  project_id  uuid NOT NULL,
  -- [{action, environments[], min_rows?, required_approvals, approver_roles[]}], first match applies.
  rules       jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
  updated_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, project_id),
  UNIQUE (project_id),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE
);
CREATE INDEX approval_policies_updated_by_idx ON approval_policies (updated_by) WHERE updated_by IS NOT NULL;
CREATE TRIGGER approval_policies_updated_at BEFORE UPDATE ON approval_policies FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE approval_requests (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id              uuid NOT NULL,
  project_id          uuid NOT NULL,
  action              text NOT NULL CHECK (action IN ('patch.execute', 'patch.rollback')),
  subject_type        text NOT NULL CHECK (subject_type IN ('patch')),
  subject_id          uuid NOT NULL,
  -- The typed link for a patch subject: deleting a (never executed) patch takes its requests along.
  patch_id            uuid,
  subject_hash        text NOT NULL CHECK (subject_hash ~ '^[0-9a-f]{64}$'),
  environment         text NOT NULL CHECK (environment IN ('development', 'staging', 'production')),
  affected_rows       integer CHECK (affected_rows >= 0),
  -- Who asked (audit-style actor): a console user, an API key, or an identity-provider user (id NULL, metadata).
  requested_by_type   text NOT NULL CHECK (requested_by_type IN ('user', 'api_key')),
  requested_by_id     uuid,
  requested_by_metadata jsonb NOT NULL DEFAULT '{}',
  -- The rule that applied, copied: a later policy change does not move the goalposts of an open request.
  required_approvals  integer NOT NULL CHECK (required_approvals BETWEEN 1 AND 5),
  approver_roles      text[] NOT NULL CHECK (approver_roles <@ '{owner,admin,developer}'::text[] AND cardinality(approver_roles) >= 1),
  status              text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled', 'expired', 'superseded')),
  expires_at          timestamptz NOT NULL DEFAULT now() + interval '72 hours',
  decided_at          timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, patch_id) REFERENCES patches (org_id, id) ON DELETE CASCADE,
  CHECK (subject_type <> 'patch' OR patch_id = subject_id),
  CHECK ((status = 'pending') = (decided_at IS NULL) OR status IN ('expired', 'superseded', 'cancelled'))
);
-- One open request per subject and action (a second gate call finds it; a race loses on this).
CREATE UNIQUE INDEX approval_requests_one_pending_idx ON approval_requests (subject_type, subject_id, action) WHERE status = 'pending';
CREATE INDEX approval_requests_subject_idx ON approval_requests (subject_id, action, created_at DESC);
CREATE INDEX approval_requests_org_created_idx ON approval_requests (org_id, created_at DESC, id DESC);
CREATE INDEX approval_requests_project_created_idx ON approval_requests (project_id, created_at DESC, id DESC);
CREATE INDEX approval_requests_org_project_idx ON approval_requests (org_id, project_id);
CREATE INDEX approval_requests_org_patch_idx ON approval_requests (org_id, patch_id) WHERE patch_id IS NOT NULL;
CREATE TRIGGER approval_requests_updated_at BEFORE UPDATE ON approval_requests FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One decision per person per request.
CREATE TABLE approval_decisions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id      uuid NOT NULL,
  request_id  uuid NOT NULL,
  user_id     uuid REFERENCES users (id) ON DELETE SET NULL,
  decision    text NOT NULL CHECK (decision IN ('approve', 'reject')),
  comment     text CHECK (length(comment) <= 2000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (request_id, user_id),
  FOREIGN KEY (org_id, request_id) REFERENCES approval_requests (org_id, id) ON DELETE CASCADE
);
CREATE INDEX approval_decisions_org_request_idx ON approval_decisions (org_id, request_id, created_at);
CREATE INDEX approval_decisions_user_idx ON approval_decisions (user_id) WHERE user_id IS NOT NULL;
