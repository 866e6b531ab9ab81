import type { Handler } from '../../src/handler';
import { WEBHOOK_COLUMNS, webhookJson } from './webhook-row';

const LIST_SQL = `
  SELECT ${WEBHOOK_COLUMNS}, (SELECT count(*) FROM webhook_endpoints WHERE org_id = $1) AS total
    FROM webhook_endpoints WHERE org_id = $1
   ORDER BY created_at DESC, id DESC
   LIMIT $2 OFFSET $3`;

export const listWebhooks: Handler<'listWebhooks'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const orgId = ctx.principal!.orgId;
  const { rows } = await ctx.db.query(LIST_SQL, [orgId, limit, offset]);
  const total = rows[0]?.total ?? (await ctx.db.query('SELECT count(*) AS n FROM webhook_endpoints WHERE org_id = $1', [orgId])).rows[0].n;
  const now = ctx.clock();
  return { status: 200, body: { items: rows.map((r) => webhookJson(r, now)), total, limit, offset } };
};
