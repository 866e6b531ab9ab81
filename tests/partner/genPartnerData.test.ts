// `npm run -s gen:data -- --module partner`: the set-based partner generator end to end on a small
// data set — counts, references, the commission cap, determinism, and the lists reading it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApiKey } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { anchorFor, ticketBatches } from '../../handlers/pos/demo/generator';
import { generateBookingLinks, generateLeadBatch, generateProducts, generateTeam, partnerContext } from '../../handlers/partner/demo/generator';
import { withTransaction } from '../../src/db/transaction';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('gen:data --module partner', () => {
  let h: Harness;
  const gen = (...args: string[]) =>
    run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'gen-data.ts'), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: h.database.url, LOG_LEVEL: 'silent' },
    });
  const orgId = async (slug: string) => (await h.db.query(`SELECT id FROM organisations WHERE slug = $1`, [slug])).rows[0].id as string;
  const one = async (text: string, params: unknown[]) => (await h.db.query(text, params)).rows[0];

  /** Everything but the uuids, members and products by their names: equal for equal seeds. */
  const fingerprint = async (org: string) =>
    one(
      `SELECT (SELECT md5(string_agg(concat_ws('|', l.first_name, l.last_name, l.email, l.phone, l.status, l.source, l.utm_campaign, l.created_at,
                                               l.updated_at, l.last_contacted_at, t.email, b.slug), ',' ORDER BY l.created_at, l.email, l.phone))
                 FROM leads l LEFT JOIN team_members t ON t.id = l.assigned_to_id LEFT JOIN booking_links b ON b.id = l.booking_link_id
                WHERE l.org_id = $1) AS leads,
              (SELECT md5(string_agg(concat_ws('|', l.email, l.phone, c.status, c.outcome, c.scheduled_at, c.ended_at, c.recording_url), ',' ORDER BY c.scheduled_at, l.email, l.phone))
                 FROM calls c JOIN leads l ON l.id = c.lead_id WHERE c.org_id = $1) AS calls,
              (SELECT md5(string_agg(concat_ws('|', p.amount, p.amount_refunded, p.status, p.processor_payment_id, p.paid_at, pr.name,
                                               (SELECT string_agg(concat_ws(':', cm.role, cm.amount, cm.status, t.email), ';' ORDER BY cm.role)
                                                  FROM commissions cm JOIN team_members t ON t.id = cm.team_member_id WHERE cm.payment_id = p.id)),
                                     ',' ORDER BY p.created_at, l.email, l.phone))
                 FROM payments p JOIN leads l ON l.id = p.lead_id LEFT JOIN products pr ON pr.id = p.product_id WHERE p.org_id = $1) AS payments`,
      [org],
    );

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('creates a team, products and booking links, then 2,000 leads with their calls, payments and commissions', async () => {
    const { stdout } = await gen('--module', 'partner', '--org', 'gen-partner', '--leads', '2000', '--days', '30', '--batch', '1000');
    expect(stdout).toMatch(/\+50 team members, products, \+12 booking links/);
    expect(stdout).toMatch(/2000 leads, \d+ calls, \d+ payments and \d+ commissions/);
    const org = await orgId('gen-partner');
    const n = await one(
      `SELECT (SELECT count(*)::int FROM team_members WHERE org_id = $1) AS team,
              (SELECT count(*)::int FROM products WHERE org_id = $1) AS products,
              (SELECT count(*)::int FROM booking_links WHERE org_id = $1) AS links,
              (SELECT count(*)::int FROM leads WHERE org_id = $1) AS leads,
              (SELECT count(*)::int FROM leads WHERE org_id = $1 AND assigned_to_id IS NOT NULL) AS assigned,
              (SELECT count(*)::int FROM leads WHERE org_id = $1 AND status IN ('new', 'contacted')) AS early,
              (SELECT count(*)::int FROM leads WHERE org_id = $1 AND status NOT IN ('new', 'contacted')) AS past_contacted,
              (SELECT count(*)::int FROM leads WHERE org_id = $1 AND status = 'won') AS won,
              (SELECT count(*)::int FROM calls WHERE org_id = $1) AS calls,
              (SELECT count(*)::int FROM payments WHERE org_id = $1) AS payments,
              (SELECT count(*)::int FROM commissions WHERE org_id = $1) AS commissions`,
      [org],
    );
    expect(n).toMatchObject({ team: 50, products: 8, links: 12, leads: 2000, calls: n.past_contacted, payments: n.won });
    // Most leads are assigned; the funnel is widest at the top.
    expect(n.assigned / n.leads).toBeGreaterThan(0.8);
    expect(n.early / n.leads).toBeGreaterThan(0.45);
    expect(n.commissions).toBeGreaterThan(n.payments);
  }, 60_000);

  it('writes only valid rows: every reference resolves in the same organisation, commissions stay within their payment', async () => {
    const org = await orgId('gen-partner');
    const broken = await one(
      `SELECT (SELECT count(*)::int FROM leads l WHERE l.org_id = $1 AND l.assigned_to_id IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM team_members t WHERE t.org_id = l.org_id AND t.id = l.assigned_to_id)) AS lead_member,
              (SELECT count(*)::int FROM leads l WHERE l.org_id = $1 AND l.booking_link_id IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM booking_links b WHERE b.org_id = l.org_id AND b.id = l.booking_link_id)) AS lead_link,
              (SELECT count(*)::int FROM calls c WHERE c.org_id = $1
                 AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.org_id = c.org_id AND l.id = c.lead_id)) AS call_lead,
              (SELECT count(*)::int FROM payments p WHERE p.org_id = $1
                 AND (NOT EXISTS (SELECT 1 FROM leads l WHERE l.org_id = p.org_id AND l.id = p.lead_id AND l.status = 'won')
                      OR NOT EXISTS (SELECT 1 FROM calls c WHERE c.org_id = p.org_id AND c.id = p.call_id AND c.lead_id = p.lead_id)
                      OR NOT EXISTS (SELECT 1 FROM products pr WHERE pr.org_id = p.org_id AND pr.id = p.product_id)
                      OR NOT EXISTS (SELECT 1 FROM team_members t WHERE t.org_id = p.org_id AND t.id = p.closer_id))) AS payment_refs,
              (SELECT count(*)::int FROM commissions c WHERE c.org_id = $1
                 AND (NOT EXISTS (SELECT 1 FROM payments p WHERE p.org_id = c.org_id AND p.id = c.payment_id AND p.currency = c.currency)
                      OR NOT EXISTS (SELECT 1 FROM team_members t WHERE t.org_id = c.org_id AND t.id = c.team_member_id))) AS commission_refs,
              (SELECT count(*)::int FROM booking_link_members m WHERE m.org_id = $1
                 AND NOT EXISTS (SELECT 1 FROM team_members t WHERE t.org_id = m.org_id AND t.id = m.team_member_id)) AS link_members,
              (SELECT count(*)::int FROM payments p WHERE p.org_id = $1
                 AND (SELECT coalesce(sum(c.amount), 0) FROM commissions c WHERE c.payment_id = p.id AND c.status <> 'voided') > p.amount) AS over_cap,
              (SELECT count(*)::int FROM commissions c JOIN payments p ON p.id = c.payment_id
                WHERE c.org_id = $1 AND (p.status IN ('pending', 'failed') OR (p.status = 'refunded') <> (c.status = 'voided'))) AS commission_status,
              (SELECT count(*)::int FROM leads WHERE org_id = $1 AND (created_at > now() OR updated_at < created_at)) AS lead_times,
              (SELECT count(*)::int FROM calls WHERE org_id = $1 AND status = 'completed' AND ended_at > now()) AS future_completed`,
      [org],
    );
    expect(broken).toEqual({
      lead_member: 0, lead_link: 0, call_lead: 0, payment_refs: 0, commission_refs: 0, link_members: 0, over_cap: 0, commission_status: 0, lead_times: 0, future_completed: 0,
    });
  });

  it('is deterministic: the same seed gives the same data with triggers on (the commission cap checked at commit), another seed other data', async () => {
    const [a, b] = [await orgId('gen-partner'), (await h.db.query(`INSERT INTO organisations (name, slug) VALUES ('twin', 'gen-partner-twin') RETURNING id`)).rows[0].id];
    // Straight through the generator, without session_replication_role: foreign keys and the
    // deferred commissions_within_payment trigger run on every row.
    await withTransaction(h.db, async (c) => {
      const anchor = await anchorFor(c, b);
      await generateTeam(c, b, 1, anchor, 50);
      await generateProducts(c, b, anchor);
      await generateBookingLinks(c, b, 1, anchor, 12);
      const ctx = await partnerContext(c, b);
      for (const batch of ticketBatches(2000, 30, anchor.today, 1000)) await generateLeadBatch(c, b, 1, anchor, batch, ctx);
    });
    const fa = await fingerprint(a);
    expect(fa.leads).toEqual(expect.any(String));
    expect(await fingerprint(b)).toEqual(fa);

    await gen('--module', 'partner', '--org', 'gen-partner-seed2', '--leads', '2000', '--days', '30', '--batch', '1000', '--seed', '2');
    const other = await fingerprint(await orgId('gen-partner-seed2'));
    expect(other.leads).not.toBe(fa.leads);
    expect(other.payments).not.toBe(fa.payments);
  }, 60_000);

  it('serves what it generated: a closer’s pipeline and the payments read through the API, valid against the spec', async () => {
    const org = await orgId('gen-partner');
    const { key } = await createApiKey(h.db, { orgId: org, scopes: ['read:leads', 'read:payments'], rateLimitPerMinute: 10_000 });
    const { assigned_to_id: closer, n } = await one(
      `SELECT assigned_to_id, count(*)::int AS n FROM leads WHERE org_id = $1 AND status = 'new' AND assigned_to_id IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
      [org],
    );
    const res = await h.api.get(`/api/v1/leads?assigned_to=${closer}&status=new&limit=50`).set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body.total).toBe(n);
    expect(res.body.items.every((l: { status: string; assigned_to_id: string }) => l.status === 'new' && l.assigned_to_id === closer)).toBe(true);
    const pay = await h.api.get('/api/v1/payments?limit=100').set('Authorization', `Bearer ${key}`).expect(200);
    expect(pay.body.items.length).toBeGreaterThan(0);
  });

  it('refuses options of the other module, and an unknown module, with the usage line', async () => {
    await expect(gen('--module', 'partner', '--org', 'gen-partner', '--tickets', '10')).rejects.toMatchObject({
      code: 1, stderr: expect.stringContaining('unknown option --tickets for --module partner'),
    });
    await expect(gen('--module', 'crm', '--org', 'gen-partner', '--leads', '10')).rejects.toMatchObject({
      code: 1, stderr: expect.stringMatching(/--module must be pos or partner[\s\S]*usage: gen:data[\s\S]*--module partner/),
    });
  }, 60_000);
});
