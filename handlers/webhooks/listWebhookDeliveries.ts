import { fetchList, listStatement } from '../../src/db/list-page';
import type { Handler } from '../../src/handler';
import { DELIVERY_COLUMNS, DELIVERY_FROM, deliveryJson, type DeliveryRow } from './delivery-row';
import { findWebhook } from './webhook-store';

const LIST = listStatement({
  from: DELIVERY_FROM,
  where: `d.endpoint_id = $1 AND d.org_id = $2 AND ($3::text IS NULL OR d.status = $3)`,
  columns: DELIVERY_COLUMNS,
  orderBy: 'd.created_at DESC, d.id DESC',
});

export const listWebhookDeliveries: Handler<'listWebhookDeliveries'> = async (ctx, req) => {
  const { limit = 50, offset = 0, status } = req.query;
  const orgId = ctx.principal!.orgId;
  const webhook = await findWebhook(ctx.db, orgId, req.params.id);
  const { rows, ...page } = await fetchList<DeliveryRow>(ctx.db, LIST, [webhook.id, orgId, status ?? null], { limit, offset });
  return { status: 200, body: { items: rows.map(deliveryJson), ...page } };
};
