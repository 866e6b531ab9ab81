// The demo organisation's partner data (seed 001): the events and catering arm of the business
// sells packages (weddings, corporate events, a lunch club) through a small sales team on
// commission. Booking links bring leads, closers call them, won calls become payments, and each
// payment carries the commissions it earned (closer, setter when one booked the call, the
// manager's override). Deterministic: the same rows on every machine, placed relative to the day
// it runs (leads over the last 60 days, some calls still ahead).
import pg from 'pg';
import { withTransaction } from '../../../src/db/transaction';

export const DEMO_PARTNER = { leads: 60, days: 60 } as const;

type Role = 'owner' | 'admin' | 'manager' | 'closer' | 'setter';
const TEAM: Array<{ key: string; name: string; email: string; role: Role; bps: number; active?: boolean; sub?: string }> = [
  { key: 'owner', name: 'Sophie Lambert', email: 'sophie@demo.test', role: 'owner', bps: 0, sub: 'user_demo_sophie' },
  { key: 'manager', name: 'Karim Haddad', email: 'karim@demo.test', role: 'manager', bps: 200, sub: 'user_demo_karim' },
  { key: 'amelie', name: 'Amélie Dubois', email: 'amelie@demo.test', role: 'closer', bps: 1000, sub: 'user_demo_amelie' },
  { key: 'thomas', name: 'Thomas Peeters', email: 'thomas@demo.test', role: 'closer', bps: 1000 },
  { key: 'lotte', name: 'Lotte Janssens', email: 'lotte@demo.test', role: 'setter', bps: 300 },
  { key: 'hugo', name: 'Hugo Martin', email: 'hugo@demo.test', role: 'closer', bps: 800, active: false },
];

type Billing = 'one_time' | 'recurring' | 'payment_plan';
const PRODUCTS: Array<{ key: string; name: string; description: string; price: number; billing: Billing; interval?: 'month' | 'year'; installments?: number; bps?: number; active?: boolean }> = [
  { key: 'wedding', name: 'Wedding reception — 80 guests', description: 'Walking dinner, drinks, staff and tableware for 80 guests.', price: 960000, billing: 'payment_plan', interval: 'month', installments: 3, bps: 800 },
  { key: 'corporate', name: 'Corporate event — 50 guests', description: 'Reception with finger food and drinks, set-up and service.', price: 450000, billing: 'one_time' },
  { key: 'dinner', name: 'Private walking dinner — 30 guests', description: 'Seven courses served walking, at your place.', price: 180000, billing: 'one_time' },
  { key: 'club', name: 'Corporate lunch club', description: 'Lunch for a team of 20, delivered every Friday.', price: 250000, billing: 'recurring', interval: 'month', bps: 500 },
  { key: 'chef', name: 'Private chef at home', description: 'A chef cooks a four-course dinner for up to 8.', price: 65000, billing: 'one_time' },
  { key: 'xmas', name: 'Christmas buffet 2025', description: 'Seasonal buffet for 40 (sold out).', price: 220000, billing: 'one_time', active: false },
];

const LINKS: Array<{ key: string; name: string; slug: string; minutes: number; distribution: 'single' | 'round_robin' | 'collective'; members: string[]; product: string | null; location: 'video' | 'phone' | 'in_person'; active?: boolean }> = [
  { key: 'wedding', name: 'Wedding consultation', slug: 'wedding-consultation', minutes: 45, distribution: 'round_robin', members: ['amelie', 'thomas'], product: 'wedding', location: 'video' },
  { key: 'corporate', name: 'Corporate events — discovery call', slug: 'corporate-events', minutes: 30, distribution: 'single', members: ['thomas'], product: 'corporate', location: 'phone' },
  { key: 'tasting', name: 'Tasting visit', slug: 'tasting-visit', minutes: 60, distribution: 'collective', members: ['amelie', 'lotte'], product: 'dinner', location: 'in_person' },
  { key: 'xmas', name: 'Christmas buffet bookings', slug: 'christmas-buffet', minutes: 20, distribution: 'single', members: ['hugo'], product: 'xmas', location: 'phone', active: false },
];

const FIRST = ['Julie', 'Marc', 'Emma', 'Lucas', 'Chloé', 'Noah', 'Léa', 'Louis', 'Sarah', 'Arthur', 'Inès', 'Jules', 'Nora', 'Victor', 'Zoé'];
const LAST = ['Martin', 'Dubois', 'Lambert', 'Dupont', 'Claes', 'Jacobs', 'Willems', 'Mertens', 'Wouters', 'Goossens', 'Leroy', 'Renard'];
const CAMPAIGNS = [
  { source: 'instagram', medium: 'paid_social', campaign: 'weddings-2026' },
  { source: 'google', medium: 'cpc', campaign: 'corporate-catering' },
  { source: 'newsletter', medium: 'email', campaign: 'spring-menu' },
];

/** A fixed pseudo-random stream (mulberry32): the same demo everywhere. */
function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

async function insertRow(c: pg.PoolClient, table: string, row: Record<string, unknown>): Promise<string> {
  const cols = Object.keys(row);
  const { rows } = await c.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, cols.map((k) => row[k]));
  return rows[0].id as string;
}

/** Fills an organisation that has no partner data yet. Runs in the caller's transaction when given a client. */
export async function seedPartnerDemo(db: pg.Pool | pg.PoolClient, orgId: string): Promise<void> {
  if (db instanceof pg.Pool) return withTransaction(db, (c) => seedPartnerDemo(c, orgId));
  const c = db;
  const { rows } = await c.query(`SELECT to_char(now() AT TIME ZONE timezone, 'YYYY-MM-DD') AS today, slug FROM organisations WHERE id = $1`, [orgId]);
  if (!rows[0]) throw new Error(`organisation ${orgId} not found`);
  // Local midnight of today, read as UTC: every instant below is "N days ago at H o'clock".
  const midnight = Date.parse(`${rows[0].today}T00:00:00Z`);
  const at = (daysAgo: number, hour: number) => new Date(midnight - daysAgo * DAY + hour * HOUR).toISOString();
  const rnd = stream(1001);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];

  const team: Record<string, string> = {};
  for (const [i, m] of TEAM.entries()) {
    team[m.key] = await insertRow(c, 'team_members', {
      org_id: orgId, name: m.name, email: m.email, role: m.role, commission_rate_bps: m.bps, active: m.active ?? true,
      external_user_id: m.sub ?? null, created_at: at(400 - i * 20, 9), updated_at: at(m.active === false ? 30 : 400 - i * 20, 9),
    });
  }
  const products: Record<string, { id: string; price: number; bps: number | null; installments: number | null }> = {};
  for (const [i, p] of PRODUCTS.entries()) {
    const id = await insertRow(c, 'products', {
      org_id: orgId, name: p.name, description: p.description, active: p.active ?? true, price_amount: p.price, currency: 'EUR', billing: p.billing,
      interval: p.interval ?? null, installment_count: p.installments ?? null, commission_rate_bps: p.bps ?? null, created_at: at(380 - i * 10, 10), updated_at: at(380 - i * 10, 10),
    });
    products[p.key] = { id, price: p.price, bps: p.bps ?? null, installments: p.installments ?? null };
  }
  const links: Record<string, string> = {};
  for (const [i, l] of LINKS.entries()) {
    links[l.key] = await insertRow(c, 'booking_links', {
      org_id: orgId, name: l.name, slug: l.slug, url: `https://book.aura.example/${rows[0].slug}/${l.slug}`, active: l.active ?? true,
      duration_minutes: l.minutes, distribution: l.distribution, product_id: products[l.product ?? '']?.id ?? null, location_type: l.location,
      time_zone: 'Europe/Brussels', created_at: at(360 - i * 10, 11), updated_at: at(360 - i * 10, 11),
    });
    for (const m of l.members) {
      await c.query('INSERT INTO booking_link_members (org_id, booking_link_id, team_member_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)', [orgId, links[l.key], team[m], at(360 - i * 10, 11)]);
    }
  }

  const activeLinks = LINKS.filter((l) => l.active !== false);
  for (let i = 0; i < DEMO_PARTNER.leads; i++) {
    // Oldest first, about one a day; the recent ones are still early in the pipeline.
    const daysAgo = DEMO_PARTNER.days - i;
    const created = at(daysAgo, 8 + (i % 10));
    const viaLink = rnd() < 0.6 ? pick(activeLinks) : null;
    const source = viaLink ? 'booking_link' : pick(['form', 'form', 'import', 'api', 'manual'] as const);
    const closer = viaLink ? (viaLink.members.includes('thomas') && (viaLink.members.length === 1 || i % 2) ? 'thomas' : 'amelie') : pick(['amelie', 'thomas']);
    const utm = source === 'booking_link' || source === 'form' ? pick(CAMPAIGNS) : null;
    const productKey = viaLink?.product ?? pick(['wedding', 'corporate', 'dinner', 'club', 'chef']);
    const roll = rnd();
    const status = daysAgo <= 3 ? (roll < 0.5 ? 'new' : 'booked')
      : daysAgo <= 10 ? (roll < 0.6 ? 'booked' : 'qualified')
        : roll < 0.35 ? 'won' : roll < 0.6 ? 'lost' : roll < 0.7 ? 'disqualified' : roll < 0.85 ? 'qualified' : 'contacted';
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 7) % LAST.length];
    const lead = await insertRow(c, 'leads', {
      org_id: orgId, first_name: first, last_name: last,
      email: `${first}.${last}.${i + 1}@example.com`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(),
      phone: i % 3 === 0 ? null : `+3247${String(1000000 + i * 7919).slice(-7)}`,
      status, source, utm_source: utm?.source ?? null, utm_medium: utm?.medium ?? null, utm_campaign: utm?.campaign ?? null,
      assigned_to_id: status === 'new' && i % 2 ? null : team[closer], booking_link_id: viaLink ? links[viaLink.key] : null,
      last_contacted_at: status === 'new' ? null : at(Math.max(daysAgo - 2, 0), 7), created_at: created, updated_at: status === 'new' ? created : at(Math.max(daysAgo - 2, 0), 7),
    });
    if (status === 'new' || status === 'contacted') continue;

    // The sales call: two days after the lead came in; a booked lead's call is still ahead.
    const callDay = status === 'booked' ? -(1 + (i % 5)) : daysAgo - 2;
    const held = callDay > 0 && status !== 'booked';
    const callStatus = status === 'booked' ? 'scheduled' : status === 'disqualified' && i % 2 ? 'no_show' : held ? 'completed' : 'scheduled';
    const outcome = callStatus !== 'completed' ? null : status === 'won' ? 'won' : status === 'lost' ? 'lost' : status === 'disqualified' ? 'not_qualified' : 'follow_up';
    const minutes = viaLink?.minutes ?? 30;
    const call = await insertRow(c, 'calls', {
      org_id: orgId, lead_id: lead, team_member_id: team[closer], booking_link_id: viaLink ? links[viaLink.key] : null,
      scheduled_at: at(callDay, 14 + (i % 4)), duration_minutes: minutes, status: callStatus, outcome,
      ended_at: callStatus === 'completed' ? at(callDay, 14 + (i % 4) + minutes / 60) : null,
      recording_url: callStatus === 'completed' && viaLink?.location !== 'in_person' ? `https://recordings.aura.example/demo/call-${i + 1}.mp3` : null,
      created_at: created, updated_at: callStatus === 'completed' ? at(callDay, 20) : created,
    });
    if (status !== 'won') continue;

    // Won: the product's charges — one, or the installments of a plan due so far (a month apart).
    const p = products[productKey];
    const charges = p.installments ?? 1;
    for (let n = 1; n <= charges; n++) {
      const dueAgo = callDay - 30 * (n - 1);
      const amount = Math.floor(p.price / charges) + (n === charges ? p.price % charges : 0);
      const paid = dueAgo > 0;
      const refunded = paid && i % 11 === 0 ? 'refunded' : paid && i % 13 === 0 ? 'partially_refunded' : null;
      const payStatus = refunded ?? (paid ? 'succeeded' : 'pending');
      const payment = await insertRow(c, 'payments', {
        org_id: orgId, lead_id: lead, product_id: p.id, call_id: call, closer_id: team[closer], amount,
        amount_refunded: payStatus === 'refunded' ? amount : payStatus === 'partially_refunded' ? Math.round(amount / 4) : 0,
        currency: 'EUR', status: payStatus, processor: i % 5 === 0 ? 'manual' : 'stripe',
        processor_payment_id: i % 5 === 0 ? null : `pi_demo_${String(i + 1).padStart(3, '0')}_${n}`,
        installment_number: p.installments ? n : null, paid_at: paid ? at(Math.max(dueAgo, 0), 16) : null,
        created_at: at(Math.max(callDay, 1), 16), updated_at: at(Math.max(dueAgo, 1), 16),
      });
      if (!paid) continue;
      // Commissions on what was captured; a full refund voids them. Paid out after 30 days.
      const earned: Array<[string, 'closer' | 'setter' | 'manager', number]> = [
        [closer, 'closer', p.bps ?? TEAM.find((m) => m.key === closer)!.bps],
        ...(viaLink?.members.includes('lotte') ? [['lotte', 'setter', 300] as [string, 'setter', number]] : []),
        ['manager', 'manager', 200],
      ];
      for (const [member, role, bps] of earned) {
        const cStatus = payStatus === 'refunded' ? 'voided' : dueAgo > 30 ? 'paid' : dueAgo > 14 ? 'approved' : 'pending';
        const changedAgo = cStatus === 'paid' ? dueAgo - 30 : cStatus === 'approved' ? dueAgo - 14 : dueAgo;
        await c.query(
          `INSERT INTO commissions (org_id, payment_id, team_member_id, role, rate_bps, amount, currency, status, paid_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'EUR', $7, $8, $9, $10)`,
          [orgId, payment, team[member], role, bps, Math.round((amount * bps) / 10000), cStatus, cStatus === 'paid' ? at(changedAgo, 12) : null, at(dueAgo, 16), at(changedAgo, cStatus === 'pending' || cStatus === 'voided' ? 16 : 12)],
        );
      }
    }
  }
}
