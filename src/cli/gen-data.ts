// `npm run -s gen:data -- [--module pos] --org SLUG --tickets N [--produits N] [--clients N] [--days D] [--seed S] [--batch B] [--jobs J]`
// `npm run -s gen:data -- --module partner --org SLUG --leads N [--members N] [--links N] [--days D] [--seed S] [--batch B] [--jobs J]`
// Large data sets for benchmarks, with set-based SQL (one INSERT … SELECT per batch, J batches at
// a time on J connections). Creates the organisation when the slug is new.
// pos: adds a catalogue (200 produits), 500 clients and the promotions when it has none. Tickets
// are spread over the last D days (default 365) and continue the organisation's numbering.
// partner: adds a team (50 members), the partner products and 12 booking links when it has no
// team; leads (with their calls, payments and commissions) are spread over the last D days.
import type pg from 'pg';
import { loadConfig } from '../config';
import {
  anchorFor, countInvoices, generateClients, generateFamilles, generateProduits, generatePromotions, generateTicketBatch,
  lockTicketCounter, moveTicketCounter, ticketBatches, type Anchor, type TicketBatch,
} from '../../handlers/pos/demo/generator';
import { generateBookingLinks, generateLeadBatch, generateProducts, generateTeam, PARTNER_DEFAULTS, partnerContext } from '../../handlers/partner/demo/generator';
import { createLogger } from '../logger';
import { openDatabase } from './database';
import { errorText } from './error-text';

const USAGE = [
  'usage: gen:data -- [--module pos] --org SLUG --tickets N [--produits N] [--clients N] [--days D] [--seed S] [--batch B] [--jobs J]',
  '       gen:data -- --module partner --org SLUG --leads N [--members N] [--links N] [--days D] [--seed S] [--batch B] [--jobs J]',
].join('\n');
/** Bad arguments: the one-line reason, then the usage line. */
class UsageError extends Error {}

interface Args {
  module: 'pos' | 'partner';
  org: string;
  tickets: number;
  leads: number;
  members?: number;
  links?: number;
  produits?: number;
  clients?: number;
  days: number;
  seed: number;
  batch: number;
  jobs: number;
}

function parseArgs(argv: string[]): Args {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!flag?.startsWith('--') || value === undefined) throw new UsageError('options come in --name value pairs');
    raw[flag.slice(2)] = value;
  }
  const int = (name: string, min: number, max: number, fallback?: number) => {
    if (raw[name] === undefined) return fallback;
    if (!/^\d+$/.test(raw[name]) || +raw[name] < min || +raw[name] > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
    return +raw[name];
  };
  const module = raw.module ?? 'pos';
  if (module !== 'pos' && module !== 'partner') throw new UsageError('--module must be pos or partner');
  const own = module === 'pos' ? ['tickets', 'produits', 'clients'] : ['leads', 'members', 'links'];
  const unknown = Object.keys(raw).filter((k) => !['module', 'org', 'days', 'seed', 'batch', 'jobs', ...own].includes(k));
  if (unknown.length) throw new UsageError(`unknown option --${unknown[0]}${module === 'pos' ? '' : ` for --module ${module}`}`);
  if (!raw.org || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(raw.org)) throw new UsageError('--org must be an organisation slug');
  return {
    module,
    org: raw.org,
    tickets: int('tickets', 0, 100_000_000, 0)!,
    leads: int('leads', 0, 100_000_000, 0)!,
    members: int('members', 3, 10_000),
    links: int('links', 0, 1000),
    produits: int('produits', 0, 1_000_000),
    clients: int('clients', 0, 10_000_000),
    days: int('days', 1, 3650, 365)!,
    seed: int('seed', 0, 1_000_000, 1)!,
    batch: int('batch', 1000, 1_000_000, 100_000)!,
    jobs: int('jobs', 1, 16, 2)!,
  };
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const since = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

async function count(c: pg.PoolClient, table: string, orgId: string): Promise<number> {
  const { rows } = await c.query(`SELECT count(*)::int AS n FROM ${table} WHERE org_id = $1`, [orgId]);
  return rows[0].n;
}

async function inTransaction<T>(c: pg.PoolClient, fn: () => Promise<T>): Promise<T> {
  await c.query('BEGIN');
  try {
    const out = await fn();
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Bulk session settings: see generate(). Returns whether the fast path (superuser) is on. */
async function bulkSession(c: pg.PoolClient): Promise<boolean> {
  // Bulk backfill is not news: without this setting, row triggers (webhook events) and foreign-key
  // checks would run per line. The generator builds consistent rows by construction. Needs
  // superuser; elsewhere the load still works, only slower.
  const fast = await c.query(`SET session_replication_role = replica`).then(() => true, () => false);
  await c.query(`SET synchronous_commit = off`);
  return fast;
}

async function generateCatalogue(c: pg.PoolClient, args: Args, orgId: string, anchor: Anchor): Promise<void> {
  const t0 = Date.now();
  await inTransaction(c, async () => {
    let familleIds: string[] | undefined;
    if ((await count(c, 'familles', orgId)) === 0) familleIds = await generateFamilles(c, orgId, anchor);
    const produits = args.produits ?? ((await count(c, 'produits', orgId)) === 0 ? 200 : 0);
    if (produits > 0) {
      const ids = familleIds ?? (await c.query(`SELECT id FROM familles WHERE org_id = $1 ORDER BY position, id`, [orgId])).rows.map((r) => r.id);
      await generateProduits(c, orgId, args.seed, anchor, produits, ids);
    }
    const clients = args.clients ?? ((await count(c, 'clients', orgId)) === 0 ? 500 : 0);
    if (clients > 0) await generateClients(c, orgId, args.seed, anchor, clients);
    if (familleIds) await generatePromotions(c, orgId, anchor, familleIds);
    say(`org ${args.org} (${orgId}): +${produits} produits, +${clients} clients${familleIds ? ', familles and promotions' : ''} in ${since(t0)}`);
  });
}

interface PlannedBatch {
  batch: TicketBatch;
  numeroBase: number;
  factureBase: number;
}

/**
 * Reserves the tickets' numbers on the organisation's counter (one short transaction), then hands
 * each batch its ranges: numbers follow the batches' order, invoice numbers too (each batch's
 * invoices are counted beforehand), so batches can run side by side and still number gaplessly.
 */
async function planTickets(c: pg.PoolClient, args: Args, orgId: string, anchor: Anchor): Promise<PlannedBatch[]> {
  const start = await inTransaction(c, async () => {
    const counter = await lockTicketCounter(c, orgId);
    await moveTicketCounter(c, orgId, counter.numero + args.tickets);
    return counter;
  });
  const plan: PlannedBatch[] = [];
  let factures = start.factures;
  for (const b of ticketBatches(args.tickets, args.days, anchor.today, args.batch)) {
    // Hash keys continue after the tickets already there, so a second run adds new tickets.
    const batch = { ...b, from: b.from + start.numero, to: b.to + start.numero };
    plan.push({ batch, numeroBase: batch.from - 1, factureBase: factures });
    factures += await countInvoices(c, orgId, args.seed, batch);
  }
  return plan;
}

async function generateTickets(pool: pg.Pool, args: Args, orgId: string, anchor: Anchor, plan: PlannedBatch[]): Promise<void> {
  const t1 = Date.now();
  let lignes = 0;
  let done = 0;
  const queue = [...plan];
  const worker = async () => {
    const c = await pool.connect();
    try {
      await bulkSession(c);
      for (let p = queue.shift(); p; p = queue.shift()) {
        const r = await inTransaction(c, () => generateTicketBatch(c, orgId, args.seed, anchor, p!.batch, p!.numeroBase, p!.factureBase));
        lignes += r.lignes;
        done += r.tickets;
        say(`tickets ${done}/${args.tickets}, lignes ${lignes} — ${since(t1)}`);
      }
    } finally {
      c.release();
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.jobs, plan.length) }, worker));
  say(`${done} tickets and ${lignes} lignes in ${since(t1)}`);
}

/** The team, the partner products and the booking links, when the organisation has no team yet. */
async function generatePartnerSetup(c: pg.PoolClient, args: Args, orgId: string, anchor: Anchor): Promise<void> {
  const t0 = Date.now();
  await inTransaction(c, async () => {
    if ((await count(c, 'team_members', orgId)) > 0) return;
    const members = args.members ?? PARTNER_DEFAULTS.members;
    const links = args.links ?? PARTNER_DEFAULTS.links;
    await generateTeam(c, orgId, args.seed, anchor, members);
    if ((await count(c, 'products', orgId)) === 0) await generateProducts(c, orgId, anchor);
    await generateBookingLinks(c, orgId, args.seed, anchor, links);
    say(`org ${args.org} (${orgId}): +${members} team members, products, +${links} booking links in ${since(t0)}`);
  });
}

async function generatePartner(pool: pg.Pool, c: pg.PoolClient, args: Args, orgId: string, anchor: Anchor): Promise<void> {
  await generatePartnerSetup(c, args, orgId, anchor);
  if (args.leads === 0) return;
  const ctx = await partnerContext(c, orgId);
  // Hash keys continue after the leads already there, so a second run adds new leads.
  const base = await count(c, 'leads', orgId);
  const queue = ticketBatches(args.leads, args.days, anchor.today, args.batch).map((b) => ({ ...b, from: b.from + base, to: b.to + base }));
  const t1 = Date.now();
  const total = { leads: 0, calls: 0, payments: 0, commissions: 0 };
  const worker = async () => {
    const w = await pool.connect();
    try {
      await bulkSession(w);
      for (let b = queue.shift(); b; b = queue.shift()) {
        const r = await inTransaction(w, () => generateLeadBatch(w, orgId, args.seed, anchor, b!, ctx));
        for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += r[k];
        say(`leads ${total.leads}/${args.leads} — ${since(t1)}`);
      }
    } finally {
      w.release();
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.jobs, queue.length) }, worker));
  say(`${total.leads} leads, ${total.calls} calls, ${total.payments} payments and ${total.commissions} commissions in ${since(t1)}`);
  const t2 = Date.now();
  await c.query(`VACUUM (ANALYZE) team_members, products, booking_links, booking_link_members, leads, calls, payments, commissions`);
  say(`vacuum/analyze ${since(t2)}`);
}

async function generate(pool: pg.Pool, args: Args): Promise<void> {
  const c = await pool.connect();
  try {
    const fast = await bulkSession(c);
    await c.query(`INSERT INTO organisations (name, slug, edition) VALUES ($1, $1, 'group') ON CONFLICT (slug) DO NOTHING`, [args.org]);
    const orgId: string = (await c.query(`SELECT id FROM organisations WHERE slug = $1`, [args.org])).rows[0].id;
    const anchor = await anchorFor(c, orgId);
    if (args.module === 'partner') {
      await generatePartner(pool, c, args, orgId, anchor);
      return;
    }
    await generateCatalogue(c, args, orgId, anchor);
    if (args.tickets === 0) return;
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM produits WHERE org_id = $1 AND actif`, [orgId]);
    if (rows[0].n === 0) throw new Error('the organisation has no active produits to sell');
    const plan = await planTickets(c, args, orgId, anchor);
    await generateTickets(pool, args, orgId, anchor, plan);
    const t2 = Date.now();
    // Fresh statistics and visibility map: the planner sees the new volume, counts use index-only scans.
    await c.query(`VACUUM (ANALYZE) tickets, ticket_lignes, clients, produits, familles, promotions`);
    say(`vacuum/analyze ${since(t2)}${fast ? '' : ' (without session_replication_role: not superuser, so slower)'}`);
  } finally {
    c.release();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  // The admin CLI's discovery: DATABASE_URL, else a running `make start`'s embedded database.
  // Migrations run first, as at a server start: the POS tables must be there before anything is written.
  const db = await openDatabase(config, log, { poolMax: args.jobs + 1, applicationName: 'aura-gen-data' });
  try {
    if (db.applied.length) say(`migrations applied: ${db.applied.join(', ')}`);
    await generate(db.pool, args);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`gen:data failed: ${errorText(err)}\n${err instanceof UsageError ? `${USAGE}\n` : ''}`);
  process.exit(1);
});
