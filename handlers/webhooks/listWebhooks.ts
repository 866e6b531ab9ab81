import { fetchList, listStatement } from '../../src/db/list-page';
import type { Handler } from '../../src/handler';
import { WEBHOOK_COLUMNS, webhookJson, type WebhookRow } from './webhook-row';

const LIST = listStatement({ from: 'webhook_endpoints', where: 'org_id = $1', columns: WEBHOOK_COLUMNS, orderBy: 'created_at DESC, id DESC' });

export const listWebhooks: Handler<'listWebhooks'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const { rows, ...page } = await fetchList<WebhookRow>(ctx.db, LIST, [ctx.principal!.orgId], { limit, offset });
  const now = ctx.clock();
  return { status: 200, body: { items: rows.map((r) => webhookJson(r, now)), ...page } };
};
