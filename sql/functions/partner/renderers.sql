-- The partner module's API representations (seed 001): one function per resource builds the JSON
-- the API serves (lists aggregate them with jsonb_agg over the page's rows) and, later, the webhook
-- payloads carry. Re-applied at every boot (src/db/sql-functions.ts): a change of representation
-- is an edit here. Timestamps through pos_ts (RFC 3339, UTC, Z; migration 3).

CREATE OR REPLACE FUNCTION partner_team_member_json(m team_members) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', m.id, 'external_user_id', m.external_user_id, 'name', m.name, 'email', m.email,
    'role', m.role, 'commission_rate_bps', m.commission_rate_bps, 'active', m.active,
    'created_at', pos_ts(m.created_at), 'updated_at', pos_ts(m.updated_at))
$$;

CREATE OR REPLACE FUNCTION partner_product_json(p products) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'name', p.name, 'description', p.description, 'active', p.active,
    'price_amount', p.price_amount, 'currency', p.currency, 'billing', p.billing,
    'interval', p.interval, 'installment_count', p.installment_count,
    'commission_rate_bps', p.commission_rate_bps,
    'created_at', pos_ts(p.created_at), 'updated_at', pos_ts(p.updated_at))
$$;

-- team_member_ids in a stable order (by id), as POS promotions list their produit_ids.
CREATE OR REPLACE FUNCTION partner_booking_link_json(b booking_links) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', b.id, 'name', b.name, 'slug', b.slug, 'url', b.url, 'active', b.active,
    'duration_minutes', b.duration_minutes, 'distribution', b.distribution,
    'team_member_ids', coalesce((SELECT jsonb_agg(m.team_member_id ORDER BY m.team_member_id) FROM booking_link_members m
                                  WHERE m.org_id = b.org_id AND m.booking_link_id = b.id), '[]'::jsonb),
    'product_id', b.product_id, 'location_type', b.location_type, 'time_zone', b.time_zone,
    'created_at', pos_ts(b.created_at), 'updated_at', pos_ts(b.updated_at))
$$;

CREATE OR REPLACE FUNCTION partner_lead_json(l leads) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', l.id, 'first_name', l.first_name, 'last_name', l.last_name, 'email', l.email, 'phone', l.phone,
    'status', l.status, 'source', l.source,
    'utm', jsonb_build_object('source', l.utm_source, 'medium', l.utm_medium, 'campaign', l.utm_campaign,
                              'content', l.utm_content, 'term', l.utm_term),
    'assigned_to_id', l.assigned_to_id, 'booking_link_id', l.booking_link_id,
    'last_contacted_at', pos_ts(l.last_contacted_at),
    'created_at', pos_ts(l.created_at), 'updated_at', pos_ts(l.updated_at))
$$;

CREATE OR REPLACE FUNCTION partner_call_json(c calls) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', c.id, 'lead_id', c.lead_id, 'team_member_id', c.team_member_id, 'booking_link_id', c.booking_link_id,
    'scheduled_at', pos_ts(c.scheduled_at), 'duration_minutes', c.duration_minutes, 'ended_at', pos_ts(c.ended_at),
    'status', c.status, 'outcome', c.outcome, 'recording_url', c.recording_url,
    'created_at', pos_ts(c.created_at), 'updated_at', pos_ts(c.updated_at))
$$;

CREATE OR REPLACE FUNCTION partner_commission_json(c commissions) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', c.id, 'team_member_id', c.team_member_id, 'role', c.role, 'rate_bps', c.rate_bps,
    'amount', c.amount, 'currency', c.currency, 'status', c.status, 'paid_at', pos_ts(c.paid_at),
    'created_at', pos_ts(c.created_at), 'updated_at', pos_ts(c.updated_at))
$$;

-- A payment embeds the commissions it generated, oldest first (created_at, id): commissions are
-- payment data (scope read:payments) and are only ever read with their payment.
CREATE OR REPLACE FUNCTION partner_payment_json(p payments) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'lead_id', p.lead_id, 'product_id', p.product_id, 'call_id', p.call_id, 'closer_id', p.closer_id,
    'amount', p.amount, 'amount_refunded', p.amount_refunded, 'currency', p.currency, 'status', p.status,
    'processor', p.processor, 'processor_payment_id', p.processor_payment_id,
    'installment_number', p.installment_number, 'paid_at', pos_ts(p.paid_at),
    'commissions', coalesce((SELECT jsonb_agg(partner_commission_json(c) ORDER BY c.created_at, c.id) FROM commissions c
                              WHERE c.org_id = p.org_id AND c.payment_id = p.id), '[]'::jsonb),
    'created_at', pos_ts(p.created_at), 'updated_at', pos_ts(p.updated_at))
$$;

-- ---------------------------------------------------------------- by id
-- The object by organisation and id, as GET /api/v1/<resource>/{id} shows it, or null: the
-- webhook catalogue's convention (an event type names one in `x-render-function`).

CREATE OR REPLACE FUNCTION partner_team_member_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT partner_team_member_json(m) FROM team_members m WHERE m.org_id = p_org AND m.id = p_id
$$;

CREATE OR REPLACE FUNCTION partner_product_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT partner_product_json(p) FROM products p WHERE p.org_id = p_org AND p.id = p_id
$$;

CREATE OR REPLACE FUNCTION partner_booking_link_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT partner_booking_link_json(b) FROM booking_links b WHERE b.org_id = p_org AND b.id = p_id
$$;

CREATE OR REPLACE FUNCTION partner_lead_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT partner_lead_json(l) FROM leads l WHERE l.org_id = p_org AND l.id = p_id
$$;

CREATE OR REPLACE FUNCTION partner_call_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT partner_call_json(c) FROM calls c WHERE c.org_id = p_org AND c.id = p_id
$$;

CREATE OR REPLACE FUNCTION partner_payment_by_id(p_org uuid, p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT partner_payment_json(p) FROM payments p WHERE p.org_id = p_org AND p.id = p_id
$$;
