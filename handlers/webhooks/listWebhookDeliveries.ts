import type { Handler } from '../../src/handler';
import { DELIVERY_COLUMNS, DELIVERY_FROM, deliveryJson } from './delivery-row';
import { findWebhook } from './webhook-store';

const FILTER = `d.endpoint_id = $1 AND d.org_id = $2 AND ($3::text IS NULL OR d.status = $3)`;
const LIST_SQL = `
  SELECT ${DELIVERY_COLUMNS}
    FROM ${DELIVERY_FROM}
   WHERE ${FILTER}
   ORDER BY d.created_at DESC, d.id DESC
   LIMIT $4 OFFSET $5`;
const COUNT_SQL = `SELECT count(*) AS n FROM webhook_deliveries d WHERE ${FILTER}`;

export const listWebhookDeliveries: Handler<'listWebhookDeliveries'> = async (ctx, req) => {
  const { limit = 50, offset = 0, status } = req.query;
  const orgId = ctx.principal!.orgId;
  const webhook = await findWebhook(ctx.db, orgId, req.params.id);
  const params = [webhook.id, orgId, status ?? null];
  const [page, count] = await Promise.all([ctx.db.query(LIST_SQL, [...params, limit, offset]), ctx.db.query(COUNT_SQL, params)]);
  return { status: 200, body: { items: page.rows.map(deliveryJson), total: count.rows[0].n, limit, offset } };
};
