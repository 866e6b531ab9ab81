// Set-based generator of partner data (team, products, booking links, then leads with their
// calls, payments and commissions in batches) for `npm run gen:data -- --module partner`. As the
// POS generator: every statement is one INSERT … SELECT over generate_series, and every "random"
// choice is a hash of (row number, attribute, seed), so the same seed gives the same data
// (relative to the run day); only the uuids differ.
//
// The rows are valid by construction — the caller may load with session_replication_role =
// replica, which skips the foreign-key checks and the commissions_within_payment constraint
// trigger: commissions stay within 20 % of their payment (closer ≤ 15 %, setter 3 %, manager 2 %).
import type pg from 'pg';
import { NOMS, PRENOMS } from '../../pos/demo/catalogue';
import type { Anchor } from '../../pos/demo/generator';

type Client = pg.PoolClient;

/** A uniform number in [0, 1) from a row key and an attribute number; $2 is always the seed. */
const R = (key: string, attr: number) => `((hashint8extended((${key})::bigint, $2::bigint * 1000 + ${attr}) & 9007199254740991)::float8 / 9007199254740992)`;
/** An ASCII e-mail local part from a name. */
const local = (name: string) => `replace(translate(lower(${name}), 'éèêëàâäîïôöûüç’''', 'eeeeaaaiioouuc'), ' ', '')`;

const PRODUCTS = [
  { name: 'Wedding reception — 80 guests', price: 960000, billing: 'payment_plan', interval: 'month', installments: 3, bps: 800 },
  { name: 'Corporate event — 50 guests', price: 450000, billing: 'one_time' },
  { name: 'Private walking dinner — 30 guests', price: 180000, billing: 'one_time' },
  { name: 'Corporate lunch club', price: 250000, billing: 'recurring', interval: 'month', bps: 500 },
  { name: 'Private chef at home', price: 65000, billing: 'one_time' },
  { name: 'Cocktail reception — 120 guests', price: 720000, billing: 'payment_plan', interval: 'month', installments: 2 },
  { name: 'Tasting menu for two', price: 24000, billing: 'one_time', bps: 1500 },
  { name: 'Office breakfast subscription', price: 90000, billing: 'recurring', interval: 'month' },
] as const;

export const PARTNER_DEFAULTS = { members: 50, links: 12 } as const;

/**
 * n team members: an owner, an admin, a manager in twelve, a setter in five, the rest closers
 * (800–1,200 bps); ~8 % inactive. E-mails carry the row number, so they are unique.
 */
export async function generateTeam(c: Client, orgId: string, seed: number, a: Anchor, n: number): Promise<void> {
  await c.query(
    `WITH g AS (
       SELECT i, ($5::text[])[1 + floor(${R('i', 1)} * cardinality($5::text[]))::int] AS prenom,
              ($6::text[])[1 + floor(${R('i', 2)} * cardinality($6::text[]))::int] AS nom,
              CASE WHEN i = 1 THEN 'owner' WHEN i = 2 THEN 'admin' WHEN i % 12 = 3 THEN 'manager' WHEN i % 5 = 4 THEN 'setter' ELSE 'closer' END AS role,
              ($4::date - 500 + i * 400 / $3::int)::timestamp AT TIME ZONE $7 + interval '9 hours' AS created
         FROM generate_series(1, $3::int) i)
     INSERT INTO team_members (org_id, external_user_id, name, email, role, commission_rate_bps, active, created_at, updated_at)
     SELECT $1, CASE WHEN ${R('i', 3)} < 0.6 THEN 'user_gen_' || i END, prenom || ' ' || nom,
            ${local("prenom || '.' || nom")} || '.' || i || '@sales.example', role,
            CASE role WHEN 'closer' THEN 800 + 100 * floor(${R('i', 4)} * 5)::int WHEN 'setter' THEN 300 WHEN 'manager' THEN 200 ELSE 0 END,
            i <= 2 OR ${R('i', 5)} >= 0.08, created, created
       FROM g ORDER BY i`,
    [orgId, seed, n, a.today, PRENOMS, NOMS, a.tz],
  );
}

/** The partner catalogue: eight packages (one-time, recurring, payment plans). */
export async function generateProducts(c: Client, orgId: string, a: Anchor): Promise<void> {
  await c.query(
    `INSERT INTO products (org_id, name, price_amount, currency, billing, interval, installment_count, commission_rate_bps, created_at, updated_at)
     SELECT $1, p.name, p.price, 'EUR', p.billing, p.interval, p.installments, p.bps, t, t
       FROM jsonb_to_recordset($2::jsonb) AS p(k int, name text, price int, billing text, interval text, installments int, bps int),
            LATERAL (SELECT ($3::date - 480 + p.k)::timestamp AT TIME ZONE $4 + interval '10 hours' AS t) ts
      ORDER BY p.k`,
    [orgId, JSON.stringify(PRODUCTS.map((p, k) => ({ ...p, k: k + 1 }))), a.today, a.tz],
  );
}

/** n booking links, each for one product, distributing to one to three closers. */
export async function generateBookingLinks(c: Client, orgId: string, seed: number, a: Anchor, n: number): Promise<void> {
  await c.query(
    `WITH p AS (SELECT row_number() OVER (ORDER BY created_at, id)::int AS n, id, name FROM products WHERE org_id = $1),
     cl AS (SELECT row_number() OVER (ORDER BY created_at, id)::int AS n, id FROM team_members WHERE org_id = $1 AND role = 'closer'),
     g AS (
       SELECT k, gen_random_uuid() AS id, p.id AS product_id, p.name AS product,
              1 + floor(${R('k', 1)} * 3)::int AS members,
              CASE WHEN ${R('k', 2)} < 0.5 THEN 'round_robin' WHEN ${R('k', 2)} < 0.8 THEN 'single' ELSE 'collective' END AS distribution,
              ($4::date - 450 + k * 7)::timestamp AT TIME ZONE $5 + interval '11 hours' AS created
         FROM generate_series(1, $3::int) k
         LEFT JOIN p ON p.n = 1 + (k - 1) % greatest((SELECT count(*) FROM p), 1)::int),
     ins AS (
       INSERT INTO booking_links (id, org_id, name, slug, url, active, duration_minutes, distribution, product_id, location_type, time_zone, created_at, updated_at)
       SELECT id, $1, coalesce(product, 'Discovery') || ' — call ' || k, 'call-' || k, 'https://book.aura.example/' || $6 || '/call-' || k,
              ${R('k', 3)} >= 0.1, (ARRAY[20, 30, 45, 60])[1 + floor(${R('k', 4)} * 4)::int],
              CASE WHEN members = 1 THEN 'single' ELSE distribution END, product_id,
              (ARRAY['video', 'phone', 'in_person'])[1 + floor(${R('k', 5)} * 3)::int], $5, created, created
         FROM g ORDER BY k
       RETURNING id)
     INSERT INTO booking_link_members (org_id, booking_link_id, team_member_id, created_at, updated_at)
     SELECT DISTINCT ON (g.id, cl.id) $1, g.id, cl.id, g.created, g.created
       FROM g JOIN ins USING (id) CROSS JOIN generate_series(1, 3) m
       JOIN cl ON cl.n = 1 + floor(${R('g.k * 3 + m', 6)} * (SELECT count(*) FROM cl))::int
      WHERE m <= g.members`,
    [orgId, seed, n, a.today, a.tz, (await c.query(`SELECT slug FROM organisations WHERE id = $1`, [orgId])).rows[0].slug],
  );
}

/** What a lead batch draws from: the organisation's closers, setters, a manager, links and products. */
export interface PartnerContext {
  closers: string[];
  closerBps: number[];
  setters: string[];
  manager: string | null;
  links: string[];
  products: Array<{ id: string; price: number; bps: number | null; installments: number | null; currency: string }>;
}

export async function partnerContext(c: Client | pg.Pool, orgId: string): Promise<PartnerContext> {
  const q = async (sql: string) => (await c.query(sql, [orgId])).rows;
  const closers = await q(`SELECT id, commission_rate_bps AS bps FROM team_members WHERE org_id = $1 AND role = 'closer' ORDER BY created_at, id`);
  const setters = await q(`SELECT id FROM team_members WHERE org_id = $1 AND role = 'setter' ORDER BY created_at, id`);
  const managers = await q(`SELECT id FROM team_members WHERE org_id = $1 AND role = 'manager' AND active ORDER BY created_at, id LIMIT 1`);
  const links = await q(`SELECT id FROM booking_links WHERE org_id = $1 ORDER BY created_at, id`);
  const products = await q(`SELECT id, price_amount AS price, commission_rate_bps AS bps, installment_count AS installments, currency
                              FROM products WHERE org_id = $1 AND price_amount > 0 ORDER BY created_at, id`);
  return {
    closers: closers.map((r) => r.id),
    closerBps: closers.map((r) => r.bps),
    setters: setters.map((r) => r.id),
    manager: managers[0]?.id ?? null,
    links: links.map((r) => r.id),
    products,
  };
}

export interface LeadBatch {
  /** Row numbers [from, to] (the hash keys: a second run continues after the first). */
  from: number;
  to: number;
  /** The days it covers: [firstDay, firstDay + days). */
  firstDay: string;
  days: number;
}

/** A lead's status: skewed to the top of the funnel (new 30 %, contacted 25 %, … won 10 %). */
const STATUS = (r: string) =>
  `CASE WHEN ${r} < 0.30 THEN 'new' WHEN ${r} < 0.55 THEN 'contacted' WHEN ${r} < 0.65 THEN 'booked' WHEN ${r} < 0.75 THEN 'qualified'
        WHEN ${r} < 0.85 THEN 'won' WHEN ${r} < 0.95 THEN 'lost' ELSE 'disqualified' END`;

/**
 * One batch of leads in one statement, oldest first: each lead past `contacted` has its call, each
 * won lead its payment (the first charge of its product), each payment that went through its
 * commissions — the closer's (the product's rate, else the closer's own), a setter's on 40 % of
 * them, the manager's override; voided when the payment was refunded. Nothing lies after the
 * anchor's today (calls that took place end before it; booked calls may be ahead).
 */
export async function generateLeadBatch(c: Client, orgId: string, seed: number, a: Anchor, b: LeadBatch, ctx: PartnerContext) {
  if (!ctx.closers.length || !ctx.products.length) throw new Error('the organisation needs closers and products before leads');
  await c.query(`SET LOCAL work_mem = '256MB'; SET LOCAL jit = off`);
  const { rows } = await c.query(
    `WITH g AS (
       SELECT i, floor(${R('i', 1)} * $6::int)::int AS d, ${R('i', 2)} AS rs, ${R('i', 3)} AS rsrc,
              ($14::text[])[1 + floor(${R('i', 4)} * cardinality($14::text[]))::int] AS prenom,
              ($15::text[])[1 + floor(${R('i', 5)} * cardinality($15::text[]))::int] AS nom,
              floor(${R('i', 6)} * 36000)::int AS secs
         FROM generate_series($3::int, $4::int) i),
     l AS (
       SELECT g.*, gen_random_uuid() AS id, ${STATUS('rs')} AS status,
              CASE WHEN rsrc < 0.40 AND cardinality($12::uuid[]) > 0 THEN 'booking_link' WHEN rsrc < 0.65 THEN 'form'
                   WHEN rsrc < 0.80 THEN 'import' WHEN rsrc < 0.90 THEN 'api' ELSE 'manual' END AS source,
              -- Working hours, 08:00–18:00 in the organisation's zone.
              ($5::date + d)::timestamp AT TIME ZONE $7 + (28800 + secs) * interval '1 second' AS created
         FROM g),
     m AS (
       SELECT l.*,
              -- Most leads are assigned; a third of the new ones wait in the queue. Some closers carry more.
              CASE WHEN status = 'new' AND ${R('i', 7)} < 0.33 THEN NULL ELSE 1 + floor(power(${R('i', 8)}, 1.3) * cardinality($8::uuid[]))::int END AS a_n,
              CASE WHEN source = 'booking_link' THEN 1 + floor(${R('i', 9)} * cardinality($12::uuid[]))::int END AS link_n,
              1 + floor(${R('i', 10)} * jsonb_array_length($13::jsonb))::int AS prod_n,
              ${R('i', 11)} AS rutm,
              -- The day's end before the run day: what has happened, happened before it.
              $16::date::timestamp AT TIME ZONE $7 - interval '2 hours' AS cap
         FROM l),
     ins_l AS (
       INSERT INTO leads (id, org_id, first_name, last_name, email, phone, status, source, utm_source, utm_medium, utm_campaign,
                          assigned_to_id, booking_link_id, last_contacted_at, created_at, updated_at)
       SELECT id, $1, prenom, nom,
              CASE WHEN ${R('i', 12)} < 0.9 THEN ${local("prenom || '.' || nom")} || '.' || i || '@example.com' END,
              CASE WHEN ${R('i', 13)} < 0.7 OR ${R('i', 12)} >= 0.9 THEN '+324' || (70 + floor(${R('i', 14)} * 30)::int) || lpad(floor(${R('i', 15)} * 1e6)::int::text, 6, '0') END,
              status, source,
              CASE WHEN rutm < 0.5 THEN (ARRAY['google', 'instagram', 'newsletter', 'linkedin'])[1 + floor(rutm * 8)::int] END,
              CASE WHEN rutm < 0.5 THEN (ARRAY['cpc', 'paid_social', 'email', 'social'])[1 + floor(rutm * 8)::int] END,
              CASE WHEN rutm < 0.5 THEN (ARRAY['corporate-catering', 'weddings', 'spring-menu', 'b2b-events'])[1 + floor(rutm * 8)::int] END,
              ($8::uuid[])[a_n], ($12::uuid[])[link_n],
              CASE WHEN status <> 'new' THEN least(created + interval '1 day', cap) END,
              created, CASE WHEN status = 'new' THEN created ELSE least(created + interval '1 day', cap) END
         FROM m ORDER BY created, i
       RETURNING 1),
     cs AS (
       SELECT m.*, gen_random_uuid() AS call_id, (ARRAY[20, 30, 45, 60])[1 + floor(${R('i', 16)} * 4)::int] AS minutes,
              CASE WHEN status = 'booked' THEN 'scheduled'
                   WHEN status = 'disqualified' AND ${R('i', 17)} < 0.5 THEN 'no_show' ELSE 'completed' END AS call_status,
              CASE status WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' WHEN 'disqualified' THEN 'not_qualified' WHEN 'qualified' THEN 'follow_up' END AS outcome,
              created + interval '2 days' + floor(${R('i', 18)} * 8) * interval '1 hour' AS planned
         FROM m WHERE status IN ('booked', 'qualified', 'won', 'lost', 'disqualified')),
     cc AS (
       -- A call that took place did so before the run day; a booked one may be ahead.
       SELECT cs.*, CASE WHEN call_status = 'scheduled' THEN planned ELSE least(planned, cap - minutes * interval '1 minute') END AS scheduled
         FROM cs),
     ins_c AS (
       INSERT INTO calls (id, org_id, lead_id, team_member_id, booking_link_id, scheduled_at, duration_minutes, ended_at, status, outcome,
                          recording_url, created_at, updated_at)
       SELECT call_id, $1, id, ($8::uuid[])[a_n], ($12::uuid[])[link_n], scheduled, minutes,
              CASE WHEN call_status = 'completed' THEN scheduled + minutes * interval '1 minute' END, call_status,
              CASE WHEN call_status = 'completed' THEN outcome END,
              CASE WHEN call_status = 'completed' AND ${R('i', 19)} < 0.7 THEN 'https://recordings.aura.example/' || md5(i::text || ':' || $2) END,
              created, CASE WHEN call_status = 'scheduled' THEN created ELSE least(scheduled + minutes * interval '1 minute', cap) END
         FROM cc ORDER BY created, i
       RETURNING 1),
     pw AS (
       SELECT cc.i, cc.id AS lead_id, cc.call_id, cc.a_n, cc.cap, p.*, gen_random_uuid() AS payment_id, ${R('i', 20)} AS rp,
              cc.scheduled + cc.minutes * interval '1 minute' + interval '1 hour' AS at
         FROM cc JOIN jsonb_to_recordset($13::jsonb) AS p(k int, id uuid, price int, bps int, installments int, currency text)
           ON p.k = cc.prod_n
        WHERE cc.status = 'won' AND cc.a_n IS NOT NULL),
     py AS (
       SELECT pw.*, CASE WHEN installments IS NULL THEN price ELSE greatest(price / installments, 1) END AS amount,
              CASE WHEN rp < 0.04 THEN 'pending' WHEN rp < 0.07 THEN 'failed' WHEN rp < 0.12 THEN 'refunded'
                   WHEN rp < 0.15 THEN 'partially_refunded' WHEN rp < 0.16 THEN 'disputed' ELSE 'succeeded' END AS pay_status,
              CASE WHEN ${R('i', 21)} < 0.7 THEN 'stripe' WHEN ${R('i', 21)} < 0.8 THEN 'paypal' ELSE 'manual' END AS processor
         FROM pw),
     ins_p AS (
       INSERT INTO payments (id, org_id, lead_id, product_id, call_id, closer_id, amount, amount_refunded, currency, status, processor,
                             processor_payment_id, installment_number, paid_at, created_at, updated_at)
       SELECT payment_id, $1, lead_id, py.id, call_id, ($8::uuid[])[a_n], amount,
              CASE pay_status WHEN 'refunded' THEN amount WHEN 'partially_refunded' THEN greatest(amount / 4, 1) ELSE 0 END,
              currency, pay_status, processor,
              CASE processor WHEN 'stripe' THEN 'pi_gen' || i || '_' || $2 WHEN 'paypal' THEN 'PAY-GEN-' || i || '-' || $2 END,
              CASE WHEN installments IS NOT NULL THEN 1 END,
              CASE WHEN pay_status NOT IN ('pending', 'failed') THEN at + interval '1 minute' END,
              at, CASE WHEN pay_status IN ('refunded', 'partially_refunded') THEN greatest(least(at + interval '3 days', cap), at + interval '1 minute') ELSE at + interval '1 minute' END
         FROM py ORDER BY at, i
       RETURNING 1),
     cm AS (
       SELECT py.i, py.payment_id, py.amount, py.currency, py.at, py.cap, py.pay_status, x.role, x.member, x.bps
         FROM py CROSS JOIN LATERAL (VALUES
           ('closer', ($8::uuid[])[py.a_n], coalesce(py.bps, ($9::int[])[py.a_n])),
           ('setter', CASE WHEN cardinality($10::uuid[]) > 0 AND ${R('py.i', 22)} < 0.4
                           THEN ($10::uuid[])[1 + floor(${R('py.i', 23)} * cardinality($10::uuid[]))::int] END, 300),
           ('manager', $11::uuid, 200)) AS x(role, member, bps)
        WHERE py.pay_status NOT IN ('pending', 'failed') AND x.member IS NOT NULL),
     ins_cm AS (
       INSERT INTO commissions (org_id, payment_id, team_member_id, role, rate_bps, amount, currency, status, paid_at, created_at, updated_at)
       SELECT $1, payment_id, member, role, bps, amount * bps / 10000, currency, st,
              CASE WHEN st = 'paid' THEN at + interval '30 days' END, at + interval '1 minute',
              CASE st WHEN 'paid' THEN at + interval '30 days' WHEN 'approved' THEN at + interval '7 days' ELSE at + interval '1 minute' END
         FROM cm, LATERAL (SELECT CASE WHEN pay_status = 'refunded' THEN 'voided'
                                       WHEN at + interval '30 days' < cap THEN 'paid'
                                       WHEN at + interval '7 days' < cap THEN 'approved' ELSE 'pending' END AS st) s
        ORDER BY at, i, role
       RETURNING 1)
     SELECT (SELECT count(*)::int FROM ins_l) AS leads, (SELECT count(*)::int FROM ins_c) AS calls,
            (SELECT count(*)::int FROM ins_p) AS payments, (SELECT count(*)::int FROM ins_cm) AS commissions`,
    [
      orgId, seed, b.from, b.to, b.firstDay, b.days, a.tz, ctx.closers, ctx.closerBps, ctx.setters, ctx.manager, ctx.links,
      JSON.stringify(ctx.products.map((p, k) => ({ ...p, k: k + 1 }))), PRENOMS, NOMS, a.today,
    ],
  );
  return rows[0] as { leads: number; calls: number; payments: number; commissions: number };
}
