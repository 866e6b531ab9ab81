import { byTime, fetchRows } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { WEBHOOK_COLUMNS, webhookJson, type WebhookRow } from './webhook-row';

export const listWebhooks: Handler<'listWebhooks'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const list = { from: 'webhook_endpoints', columns: WEBHOOK_COLUMNS, where: [sql`org_id = ${ctx.principal.orgId}`], order: byTime('created_at', true) };
  const { items, ...page } = await fetchRows<WebhookRow>(ctx.db, list, { limit, offset });
  const now = ctx.clock();
  return { status: 200, body: { items: items.map((r) => webhookJson(r, now)), ...page } };
};
