-- Ops projects (#17, ops-projects).

-- Project-bound API keys (ops): authenticate_api_key (sql/functions/access/2-authenticate.sql)
-- now also returns the key's project_id. CREATE OR REPLACE cannot change a function's result
-- columns, so the old one goes here; the functions re-applied after the migrations recreate it.
DROP FUNCTION IF EXISTS authenticate_api_key(bytea, timestamptz, inet, int, int);

-- Deleting a user sets these to NULL: an index finds the rows instead of scanning every project.
CREATE INDEX projects_created_by_idx ON projects (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX project_members_added_by_idx ON project_members (added_by) WHERE added_by IS NOT NULL;
