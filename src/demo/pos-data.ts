// The demo organisation's POS data: a Brussels brasserie-épicerie with ~15 familles, 200
// produits, 500 clients (~40 % without marketing consent), ~5,000 tickets over the last 90 days
// (1–8 lines, ~10 % invoices) and 8 promotions (past, current, future). Deterministic: the same
// data on every machine, relative to the day it is created.
import pg from 'pg';
import { withTransaction } from '../db/transaction';
import {
  anchorFor, generateClients, generateFamilles, generateProduits, generatePromotions, generateTicketBatch,
  lockTicketCounter, moveTicketCounter, ticketBatches,
} from './pos-generator';

export const DEMO_POS = { seed: 2026, produits: 200, clients: 500, tickets: 5000, days: 90 } as const;

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
  let last = counter.numero;
  for (const batch of ticketBatches(tickets, days, anchor.today, tickets)) {
    const r = await generateTicketBatch(c, orgId, seed, anchor, batch, last, counter.factures);
    last = r.last_numero ?? last;
  }
  await moveTicketCounter(c, orgId, last);
}
