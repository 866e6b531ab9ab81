// The partner demo data (`make start` on an empty database): coherent sales data for the demo
// organisation, deterministic, relative to today, and valid against the contract row by row
// (every list below goes through the harness, which checks each response against the spec).
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { DEMO_PARTNER, seedPartnerDemo } from '../../handlers/partner/demo/data';
import { moduleDefinition } from '../../handlers/partner/module';

const PATHS = ['/api/v1/team-members', '/api/v1/products', '/api/v1/booking-links', '/api/v1/leads', '/api/v1/calls', '/api/v1/payments'];

describe('seedPartnerDemo', () => {
  let h: Harness;
  let org: string;
  let twin: string;
  let key: string;
  beforeAll(async () => {
    h = await startHarness();
    org = (await createOrg(h.db, { slug: 'demo' })).id;
    twin = (await createOrg(h.db)).id;
    await seedPartnerDemo(h.db, org);
    await seedPartnerDemo(h.db, twin);
    key = (await createApiKey(h.db, { orgId: org, scopes: [...moduleDefinition.demo!.scopes], rateLimitPerMinute: 10_000 })).key;
  });
  afterAll(() => h.close());

  const one = async (text: string, params: unknown[] = [org]) => (await h.db.query(text, params)).rows[0];

  it('the demo key’s scopes read every partner list, seed 001’s first request included, each valid against the spec', async () => {
    for (const path of PATHS) {
      const res = await h.api.get(`${path}?limit=200`).set('Authorization', `Bearer ${key}`).expect(200);
      expect([path, res.body.items.length > 0]).toEqual([path, true]);
    }
    const leads = await h.api.get('/api/v1/leads').set('Authorization', `Bearer ${key}`).expect(200);
    expect(leads.body.total).toBe(DEMO_PARTNER.leads);
  });

  it('has a small team on commission, packages, and booking links with their members', async () => {
    const n = await one(`SELECT (SELECT count(*)::int FROM team_members WHERE org_id = $1) AS team,
                                (SELECT count(*)::int FROM team_members WHERE org_id = $1 AND role = 'closer' AND active) AS closers,
                                (SELECT count(*)::int FROM products WHERE org_id = $1) AS products,
                                (SELECT count(DISTINCT billing)::int FROM products WHERE org_id = $1) AS billings,
                                (SELECT count(*)::int FROM booking_links WHERE org_id = $1) AS links,
                                (SELECT count(*)::int FROM booking_links b WHERE org_id = $1
                                    AND NOT EXISTS (SELECT 1 FROM booking_link_members m WHERE m.booking_link_id = b.id)) AS links_without_members`);
    expect(n).toEqual({ team: 6, closers: 2, products: 6, billings: 3, links: 4, links_without_members: 0 });
  });

  it('is coherent: leads over the last 60 days, calls for the leads past the first contact, payments for the won ones', async () => {
    const r = await one(`
      SELECT (SELECT bool_and((now() - created_at) < interval '61 days' AND created_at < now())::int FROM leads WHERE org_id = $1) AS leads_in_window,
             (SELECT count(*)::int FROM leads WHERE org_id = $1 AND (source = 'booking_link') <> (booking_link_id IS NOT NULL)) AS bad_sources,
             (SELECT count(DISTINCT status)::int FROM leads WHERE org_id = $1) AS statuses,
             (SELECT count(*)::int FROM leads l WHERE org_id = $1 AND status IN ('booked', 'qualified', 'won', 'lost', 'disqualified')
                 AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.lead_id = l.id)) AS worked_without_call,
             (SELECT count(*)::int FROM calls c JOIN leads l ON l.id = c.lead_id WHERE c.org_id = $1 AND l.status = 'booked'
                 AND (c.status <> 'scheduled' OR c.scheduled_at < now())) AS booked_not_ahead,
             (SELECT count(*)::int FROM calls WHERE org_id = $1 AND status = 'completed' AND scheduled_at > now()) AS completed_in_future,
             (SELECT count(*)::int FROM leads l WHERE org_id = $1 AND status = 'won'
                 AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.lead_id = l.id AND p.status IN ('succeeded', 'refunded', 'partially_refunded'))) AS won_unpaid,
             (SELECT count(*)::int FROM payments p JOIN leads l ON l.id = p.lead_id WHERE p.org_id = $1 AND l.status <> 'won') AS paid_not_won,
             (SELECT count(*)::int FROM commissions WHERE org_id = $1) AS commissions,
             (SELECT count(DISTINCT status)::int FROM commissions WHERE org_id = $1) AS commission_statuses,
             (SELECT count(*)::int FROM payments WHERE org_id = $1 AND paid_at > now()) AS paid_in_future`);
    expect(r).toMatchObject({ leads_in_window: 1, bad_sources: 0, worked_without_call: 0, booked_not_ahead: 0, completed_in_future: 0, won_unpaid: 0, paid_not_won: 0, paid_in_future: 0 });
    expect(r.statuses).toBeGreaterThanOrEqual(5);
    expect(r.commissions).toBeGreaterThan(10);
    expect(r.commission_statuses).toBeGreaterThanOrEqual(3);
  });

  it('commissions follow the rates: the product’s when set, else the closer’s', async () => {
    const bad = await one(`
      SELECT count(*)::int AS n FROM commissions c JOIN payments p ON p.id = c.payment_id
        JOIN products pr ON pr.id = p.product_id JOIN team_members m ON m.id = c.team_member_id
       WHERE c.org_id = $1 AND (c.amount <> round(p.amount * c.rate_bps / 10000.0)
                                OR (c.role = 'closer' AND c.rate_bps <> coalesce(pr.commission_rate_bps, m.commission_rate_bps)))`);
    expect(bad.n).toBe(0);
  });

  it('is deterministic: a second organisation seeded the same day gets the same data (ids aside)', async () => {
    const fingerprint = async (orgId: string) =>
      one(
        `SELECT (SELECT md5(string_agg(concat_ws('|', first_name, last_name, email, phone, status, source, utm_campaign, created_at,
                                                 (SELECT name FROM team_members m WHERE m.id = l.assigned_to_id)), ',' ORDER BY created_at, email)) FROM leads l WHERE org_id = $1) AS leads,
                (SELECT md5(string_agg(concat_ws('|', scheduled_at, status, outcome, duration_minutes, recording_url), ',' ORDER BY scheduled_at, recording_url)) FROM calls WHERE org_id = $1) AS calls,
                (SELECT md5(string_agg(concat_ws('|', amount, amount_refunded, status, processor_payment_id, installment_number, paid_at), ',' ORDER BY created_at, processor_payment_id, installment_number, amount)) FROM payments WHERE org_id = $1) AS payments,
                (SELECT sum(amount)::int FROM commissions WHERE org_id = $1) AS commissions`,
        [orgId],
      );
    expect(await fingerprint(twin)).toEqual(await fingerprint(org));
  });
});
