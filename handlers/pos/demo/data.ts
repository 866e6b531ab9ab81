// The demo organisation's POS data: a Brussels brasserie-épicerie with ~15 familles, 200
// produits, 500 clients (~40 % without marketing consent), ~5,000 tickets over the last 90 days
// (1–8 lines, ~10 % invoices) and 8 promotions (past, current, future) — plus the week every
// documented example queries (seed 000's curl line, the README, the spec: 10–16 May 2026), so
// those examples answer with tickets, lines and invoices whatever the day. Deterministic: the
// same data on every machine, relative to the day it is created.
import pg from 'pg';
import { withTransaction } from '../../../src/db/transaction';
import {
  anchorFor, generateClients, generateFamilles, generateProduits, generatePromotions, generateTicketBatch,
  lockTicketCounter, moveTicketCounter, ticketBatches, type TicketBatch,
} from './generator';

export const DEMO_POS = {
  seed: 2026, produits: 200, clients: 500, tickets: 5000, days: 90,
  /** The documented example week (Sunday 10 to Saturday 16 May 2026), at the demo's usual pace. */
  exampleWeek: { debut: '2026-05-10', fin: '2026-05-16', tickets: 390 },
} as const;

const DAY_MS = 86_400_000;
const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY_MS;

/**
 * The example week's batch: only its days before the last-90-days window (which covers the rest
 * itself) and before today (no sale in the future); none when nothing is left. Its hash keys
 * follow the window's, so it repeats none of their tickets.
 */
export function exampleWeekBatch(today: string): TicketBatch | null {
  const { tickets, days, exampleWeek: w } = DEMO_POS;
  const first = dayNumber(w.debut);
  const end = Math.min(dayNumber(w.fin) + 1, dayNumber(today) - days);
  const n = end - first;
  if (n <= 0) return null;
  const count = Math.round((w.tickets * n) / 7);
  return { from: tickets + 1, to: tickets + count, firstDay: w.debut, days: n, existingOnly: true };
}

/** Fills an organisation that has no POS data yet. Runs in the caller's transaction when given a client. */
export async function seedPosDemo(db: pg.Pool | pg.PoolClient, orgId: string): Promise<void> {
  if (db instanceof pg.Pool) return withTransaction(db, (c) => seedPosDemo(c, orgId));
  const c = db;
  const { seed, produits, clients, tickets, days } = DEMO_POS;
  const anchor = await anchorFor(c, orgId);
  const familleIds = await generateFamilles(c, orgId, anchor);
  await generateProduits(c, orgId, seed, anchor, produits, familleIds);
  await generateClients(c, orgId, seed, anchor, clients);
  await generatePromotions(c, orgId, anchor, familleIds);
  const counter = await lockTicketCounter(c, orgId);
  let { numero: last, factures } = counter;
  // Oldest first: ticket and invoice numbers follow the dates.
  const week = exampleWeekBatch(anchor.today);
  for (const batch of [...(week ? [week] : []), ...ticketBatches(tickets, days, anchor.today, tickets)]) {
    const r = await generateTicketBatch(c, orgId, seed, anchor, batch, last, factures);
    last = r.last_numero ?? last;
    factures += r.invoices;
  }
  await moveTicketCounter(c, orgId, last);
}
