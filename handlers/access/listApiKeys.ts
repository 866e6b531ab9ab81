import type { Handler } from '../../src/handler';
import { API_KEY_COLUMNS, apiKeyJson } from './api-key-row';

const LIST_SQL = `
  SELECT ${API_KEY_COLUMNS}, count(*) OVER () AS total
    FROM api_keys WHERE org_id = $1
   ORDER BY created_at DESC, id DESC
   LIMIT $2 OFFSET $3`;

export const listApiKeys: Handler<'listApiKeys'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const { rows } = await ctx.db.query(LIST_SQL, [ctx.principal!.orgId, limit, offset]);
  const total = rows[0]?.total ?? (offset > 0 ? (await ctx.db.query('SELECT count(*) AS n FROM api_keys WHERE org_id = $1', [ctx.principal!.orgId])).rows[0].n : 0);
  const now = ctx.clock();
  return { status: 200, body: { items: rows.map((r) => apiKeyJson(r, now)), total, limit, offset } };
};
