// Partner factories (seed 001): team members, products, booking links, leads, calls and payments
// with their commissions, inserted straight into the test database the way the sales tools write
// them. Amounts in minor units; every default is valid against migration 8's CHECKs.
import { randomUUID } from 'node:crypto';
import { inTx, times, type Db, type Times } from './writes';

type Row = Record<string, unknown>;


async function insert(db: Db, table: string, values: Row): Promise<string> {
  const cols = Object.keys(values).filter((k) => values[k] !== undefined);
  const text = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`;
  const { rows } = await db.query(text, cols.map((c) => values[c]));
  return rows[0].id as string;
}


export type TeamRole = 'owner' | 'admin' | 'manager' | 'closer' | 'setter';

export function createTeamMember(
  db: Db, orgId: string,
  m: { name?: string; email?: string; role?: TeamRole; commissionRateBps?: number; active?: boolean; externalUserId?: string | null } & Times = {},
) {
  return insert(db, 'team_members', {
    org_id: orgId,
    name: m.name ?? 'Amélie Dubois',
    email: m.email ?? `member-${randomUUID().slice(0, 8)}@traiteur.example`,
    role: m.role ?? 'closer',
    commission_rate_bps: m.commissionRateBps ?? 1000,
    active: m.active,
    external_user_id: m.externalUserId ?? null,
    ...times(m),
  });
}

export function createProduct(
  db: Db, orgId: string,
  p: {
    name?: string; description?: string; active?: boolean; priceAmount?: number; currency?: string;
    billing?: 'one_time' | 'recurring' | 'payment_plan'; interval?: 'month' | 'year' | null; installmentCount?: number | null; commissionRateBps?: number | null;
  } & Times = {},
) {
  const billing = p.billing ?? 'one_time';
  return insert(db, 'products', {
    org_id: orgId,
    name: p.name ?? 'Wedding reception — 80 guests',
    description: p.description,
    active: p.active,
    price_amount: p.priceAmount ?? 960000,
    currency: p.currency ?? 'EUR',
    billing,
    interval: p.interval !== undefined ? p.interval : billing === 'one_time' ? null : 'month',
    installment_count: p.installmentCount !== undefined ? p.installmentCount : billing === 'payment_plan' ? 3 : null,
    commission_rate_bps: p.commissionRateBps ?? null,
    ...times(p),
  });
}

export async function createBookingLink(
  db: Db, orgId: string,
  b: {
    name?: string; slug?: string; active?: boolean; durationMinutes?: number; distribution?: 'single' | 'round_robin' | 'collective';
    productId?: string | null; locationType?: 'video' | 'phone' | 'in_person'; timeZone?: string; memberIds?: string[];
  } & Times = {},
) {
  const slug = b.slug ?? `consultation-${randomUUID().slice(0, 8)}`;
  return inTx(db, async (c) => {
    const id = await insert(c, 'booking_links', {
      org_id: orgId,
      name: b.name ?? 'Wedding consultation',
      slug,
      url: `https://book.aura.example/${orgId.slice(0, 8)}/${slug}`,
      active: b.active,
      duration_minutes: b.durationMinutes ?? 30,
      distribution: b.distribution ?? ((b.memberIds?.length ?? 0) > 1 ? 'round_robin' : 'single'),
      product_id: b.productId ?? null,
      location_type: b.locationType,
      time_zone: b.timeZone,
      ...times(b),
    });
    for (const m of b.memberIds ?? []) {
      await c.query('INSERT INTO booking_link_members (org_id, booking_link_id, team_member_id) VALUES ($1, $2, $3)', [orgId, id, m]);
    }
    return id;
  });
}

export type LeadStatus = 'new' | 'contacted' | 'booked' | 'qualified' | 'won' | 'lost' | 'disqualified';

export function createLead(
  db: Db, orgId: string,
  l: {
    firstName?: string; lastName?: string; email?: string | null; phone?: string | null; status?: LeadStatus;
    source?: 'booking_link' | 'form' | 'import' | 'api' | 'manual' | 'other';
    utm?: { source?: string; medium?: string; campaign?: string; content?: string; term?: string };
    assignedToId?: string | null; bookingLinkId?: string | null; lastContactedAt?: string | null;
  } & Times = {},
) {
  return insert(db, 'leads', {
    org_id: orgId,
    first_name: l.firstName ?? 'Julie',
    last_name: l.lastName ?? 'Martin',
    email: l.email !== undefined ? l.email : 'julie.martin@example.com',
    phone: l.phone ?? null,
    status: l.status,
    source: l.source ?? (l.bookingLinkId ? 'booking_link' : undefined),
    utm_source: l.utm?.source, utm_medium: l.utm?.medium, utm_campaign: l.utm?.campaign, utm_content: l.utm?.content, utm_term: l.utm?.term,
    assigned_to_id: l.assignedToId ?? null,
    booking_link_id: l.bookingLinkId ?? null,
    last_contacted_at: l.lastContactedAt ?? null,
    ...times(l),
  });
}

export type CallStatus = 'scheduled' | 'completed' | 'canceled' | 'no_show';

export function createCall(
  db: Db, orgId: string,
  c: {
    leadId: string; teamMemberId?: string | null; bookingLinkId?: string | null; scheduledAt?: string; durationMinutes?: number;
    status?: CallStatus; endedAt?: string | null; outcome?: 'won' | 'lost' | 'follow_up' | 'not_qualified' | null; recordingUrl?: string | null;
  } & Times,
) {
  return insert(db, 'calls', {
    org_id: orgId,
    lead_id: c.leadId,
    team_member_id: c.teamMemberId ?? null,
    booking_link_id: c.bookingLinkId ?? null,
    scheduled_at: c.scheduledAt ?? '2026-05-12T08:00:00Z',
    duration_minutes: c.durationMinutes ?? 30,
    status: c.status,
    ended_at: c.endedAt ?? null,
    outcome: c.outcome ?? null,
    recording_url: c.recordingUrl ?? null,
    ...times(c),
  });
}

export interface CommissionInput {
  teamMemberId: string;
  role?: 'closer' | 'setter' | 'manager';
  rateBps?: number;
  /** Default: the payment's amount × rate. */
  amount?: number;
  currency?: string;
  status?: 'pending' | 'approved' | 'paid' | 'voided';
  paidAt?: string | null;
}

export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'refunded' | 'partially_refunded' | 'disputed';

/** A payment and its commissions in one transaction (the commission cap is checked at commit). */
export function createPayment(
  db: Db, orgId: string,
  p: {
    leadId: string; productId?: string | null; callId?: string | null; closerId?: string | null; amount?: number; amountRefunded?: number;
    currency?: string; status?: PaymentStatus; processor?: 'stripe' | 'paypal' | 'manual' | 'other'; processorPaymentId?: string | null;
    installmentNumber?: number | null; paidAt?: string | null; commissions?: CommissionInput[];
  } & Times,
) {
  const status = p.status ?? 'succeeded';
  const amount = p.amount ?? 320000;
  const currency = p.currency ?? 'EUR';
  return inTx(db, async (c) => {
    const id = await insert(c, 'payments', {
      org_id: orgId,
      lead_id: p.leadId,
      product_id: p.productId ?? null,
      call_id: p.callId ?? null,
      closer_id: p.closerId ?? null,
      amount,
      amount_refunded: p.amountRefunded ?? (status === 'refunded' ? amount : 0),
      currency,
      status,
      processor: p.processor,
      processor_payment_id: p.processorPaymentId ?? null,
      installment_number: p.installmentNumber ?? null,
      paid_at: p.paidAt !== undefined ? p.paidAt : status === 'pending' || status === 'failed' ? null : (p.createdAt ?? new Date().toISOString()),
      ...times(p),
    });
    for (const k of p.commissions ?? []) {
      const rate = k.rateBps ?? 1000;
      const kStatus = k.status ?? 'pending';
      await c.query(
        `INSERT INTO commissions (org_id, payment_id, team_member_id, role, rate_bps, amount, currency, status, paid_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()), coalesce($10::timestamptz, now()))`,
        [orgId, id, k.teamMemberId, k.role ?? 'closer', rate, k.amount ?? Math.round((amount * rate) / 10000), k.currency ?? currency, kStatus,
          k.paidAt !== undefined ? k.paidAt : kStatus === 'paid' ? new Date().toISOString() : null, p.createdAt ?? null],
      );
    }
    return id;
  });
}

/** A small pipeline: a closer, a product, a link, a lead from it, a won call and a paid payment. */
export async function createPartnerPipeline(db: Db, orgId: string, marker = '') {
  const closer = await createTeamMember(db, orgId, { name: `${marker} Amélie`.trim(), role: 'closer', commissionRateBps: 1000 });
  const setter = await createTeamMember(db, orgId, { name: `${marker} Bram`.trim(), role: 'setter', commissionRateBps: 300 });
  const product = await createProduct(db, orgId, { name: `${marker} Wedding reception`.trim() });
  const link = await createBookingLink(db, orgId, { name: `${marker} Wedding consultation`.trim(), memberIds: [closer, setter], productId: product });
  const lead = await createLead(db, orgId, { firstName: `${marker} Julie`.trim(), assignedToId: closer, bookingLinkId: link, status: 'won' });
  const call = await createCall(db, orgId, {
    leadId: lead, teamMemberId: closer, bookingLinkId: link, status: 'completed', endedAt: '2026-05-12T08:34:00Z', outcome: 'won',
  });
  const payment = await createPayment(db, orgId, {
    leadId: lead, productId: product, callId: call, closerId: closer,
    commissions: [{ teamMemberId: closer, role: 'closer', rateBps: 1000 }, { teamMemberId: setter, role: 'setter', rateBps: 300 }],
  });
  return { closer, setter, product, link, lead, call, payment };
}
