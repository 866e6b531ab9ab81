// The two baselines of `make bench`, as bare express handlers on the same pg Pool settings:
//   B1 — the same SQL sequence as the full stack: the key lookup + rate-limit call, then the query;
//   B2 — only the query.
// Run: tsx bench/baseline.ts B1|B2 PORT   (env: DATABASE_URL, BENCH_ORG_ID, RATE_LIMIT_ORG_PER_MINUTE)
import { createHash } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import pg from 'pg';
import { listQuery } from '../src/db/list';
import { statementName } from '../src/db/statement-name';
import { SQL as CLIENT } from '../handlers/pos/getClient';
import { produitsList } from '../handlers/pos/listProduits';
import { ticketsList } from '../handlers/pos/listTickets';
import { leadsList } from '../handlers/partner/listLeads';

pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
const [kind, port] = [process.argv[2], Number(process.argv[3])];
const orgLimit = Number(process.env.RATE_LIMIT_ORG_PER_MINUTE ?? 1000);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, statement_timeout: 10_000 });
const AUTH = { name: 'authenticate_api_key', text: 'SELECT * FROM authenticate_api_key($1, $2, $3, $4, 1)' };

/** B1: the same authentication round trip as the full stack; the org comes from the key. */
async function orgOf(req: Request, res: Response): Promise<string | undefined> {
  if (kind === 'B2') return process.env.BENCH_ORG_ID!;
  const key = String(req.headers['x-api-key'] ?? '');
  const { rows } = await pool.query({ ...AUTH, values: [createHash('sha256').update(key).digest(), new Date(), req.ip ?? null, orgLimit] });
  if (!rows[0] || rows[0].status !== 'ok' || !rows[0].admitted) {
    res.status(rows[0] ? 429 : 401).json({ success: false });
    return undefined;
  }
  return rows[0].org_id;
}

const app = express();
app.get('/health', async (_req, res) => {
  await pool.query('SELECT 1');
  res.json({ status: 'ok', version: 'baseline', db: 'ok' });
});
app.get('/api/v1/produits', async (req, res) => {
  const org = await orgOf(req, res);
  if (!org) return;
  const limit = Number(req.query.limit ?? 50);
  const { rows } = await pool.query(listQuery(produitsList(org, {}), { limit, offset: 0 }));
  res.json({ items: rows[0].items, total: rows[0].total, limit, offset: 0 });
});
app.get('/api/v1/tickets', async (req, res) => {
  const org = await orgOf(req, res);
  if (!org) return;
  const limit = Number(req.query.limit ?? 50);
  const filter = { debut: req.query.debut as string | undefined, fin: req.query.fin as string | undefined, withLignes: req.query.withLignes === 'true' };
  const { rows } = await pool.query(listQuery(ticketsList(org, filter), { limit, offset: 0 }));
  res.json({ items: rows[0].items, total: rows[0].total, limit, offset: 0 });
});
app.get('/api/v1/leads', async (req, res) => {
  const org = await orgOf(req, res);
  if (!org) return;
  const limit = Number(req.query.limit ?? 50);
  const filter = { assigned_to: req.query.assigned_to as string | undefined, status: req.query.status as 'new' | undefined };
  const { rows } = await pool.query(listQuery(leadsList(org, filter), { limit, offset: 0 }));
  res.json({ items: rows[0].items, total: rows[0].total, limit, offset: 0 });
});
app.get('/api/v1/clients/:id', async (req, res) => {
  const org = await orgOf(req, res);
  if (!org) return;
  const { rows } = await pool.query({ name: statementName(CLIENT), text: CLIENT, values: [org, req.params.id] });
  if (!rows[0]) res.status(404).json({ success: false });
  else res.json(rows[0].body);
});
app.listen(port, '127.0.0.1', () => process.stdout.write(`baseline ${kind} listening on ${port}\n`));
