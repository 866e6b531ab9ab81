-- Indexes behind foreign keys that lacked one. Without them, deleting an organisation (ON DELETE
-- CASCADE) scans the whole of webhook_events and webhook_deliveries — the two tables that grow
-- with every write of every tenant — and sessions, under a lock.
CREATE INDEX webhook_events_org_idx ON webhook_events (org_id);
CREATE INDEX webhook_deliveries_org_idx ON webhook_deliveries (org_id);
CREATE INDEX sessions_org_idx ON sessions (org_id);
