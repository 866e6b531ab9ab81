import { byTime, fetchRows } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { DELIVERY_COLUMNS, DELIVERY_FROM, deliveryJson, type DeliveryRow } from './delivery-row';
import { findWebhook, orgOwner } from './webhook-store';

export const listWebhookDeliveries: Handler<'listWebhookDeliveries'> = async (ctx, req) => {
  const { limit = 50, offset = 0, status } = req.query;
  const orgId = ctx.principal.orgId;
  const webhook = await findWebhook(ctx.db, orgOwner(orgId), req.params.id);
  const list = {
    from: DELIVERY_FROM,
    columns: DELIVERY_COLUMNS,
    where: [sql`d.endpoint_id = ${webhook.id}`, sql`d.org_id = ${orgId}`, status !== undefined && sql`d.status = ${status}`],
    order: byTime('d.created_at', true),
  };
  const { items, ...page } = await fetchRows<DeliveryRow>(ctx.db, list, { limit, offset });
  return { status: 200, body: { items: items.map(deliveryJson), ...page } };
};
