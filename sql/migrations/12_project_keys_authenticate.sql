-- Project-bound API keys (ops): authenticate_api_key (sql/functions/access/2-authenticate.sql)
-- now also returns the key's project_id. CREATE OR REPLACE cannot change a function's result
-- columns, so the old one goes here; the functions re-applied after the migrations recreate it.
DROP FUNCTION IF EXISTS authenticate_api_key(bytea, timestamptz, inet, int, int);
