-- The partner module's webhook events (seed 001), published by triggers in the writer's own
-- transaction like the POS ones: any writer (the sales app, an import, psql) produces them and a
-- rolled-back change produces none. Transition events fire once, on the transition; a no-op
-- update emits nothing (sql/functions/partner/webhook-events.sql).

-- The trigger function's body lives in sql/functions/partner/webhook-events.sql, applied right
-- after the migrations under the same lock (src/db/migrate.ts); a trigger needs the function to
-- exist when it is created, so it is declared here first.
CREATE FUNCTION webhook_partner_changes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$;

CREATE TRIGGER team_members_webhook_created AFTER INSERT ON team_members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('team_member.created');

CREATE TRIGGER leads_webhook_created AFTER INSERT ON leads
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('lead.created');
CREATE TRIGGER leads_webhook_updated AFTER UPDATE ON leads
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('lead.updated');

-- A call recorded already completed (or canceled) is that transition too.
CREATE TRIGGER calls_webhook_completed_insert AFTER INSERT ON calls
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('call.completed', 'status=completed');
CREATE TRIGGER calls_webhook_completed_update AFTER UPDATE ON calls
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('call.completed', 'status=completed');
CREATE TRIGGER calls_webhook_canceled_insert AFTER INSERT ON calls
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('call.canceled', 'status=canceled');
CREATE TRIGGER calls_webhook_canceled_update AFTER UPDATE ON calls
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('call.canceled', 'status=canceled');

CREATE TRIGGER payments_webhook_succeeded_insert AFTER INSERT ON payments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('payment.succeeded', 'status=succeeded');
CREATE TRIGGER payments_webhook_succeeded_update AFTER UPDATE ON payments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('payment.succeeded', 'status=succeeded');
-- Every refund, partial or full: the refunded amount grew (as Stripe's charge.refunded).
CREATE TRIGGER payments_webhook_refunded_update AFTER UPDATE ON payments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_partner_changes('payment.refunded', 'amount_refunded+');
