-- Every principal is rate limited, with a cost per request, in the round trip that resolves its
-- credential: API keys (per key + per organisation, as before) and console sessions (per user).
-- The edition rule ("API access only for group editions or the add-on") leaves the shared SQL:
-- the functions return the organisation row and the POS module's policy decides (handlers/pos).
-- The new definitions live in sql/functions/access/ (re-applied at every boot); this migration
-- only removes the old signatures, which CREATE OR REPLACE cannot change.

DROP FUNCTION authenticate_api_key(bytea, timestamptz, inet, int);
DROP FUNCTION rate_limit_take(text, int, text, int, bigint);
DROP FUNCTION rate_limit_window(int[], int, bigint, bigint, int);
