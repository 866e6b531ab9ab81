import type { Handler } from '../../src/handler';
import { listDeliveries } from './endpoint-operations';
import { orgOwner } from './webhook-store';

export const listWebhookDeliveries: Handler<'listWebhookDeliveries'> = async (ctx, req) => {
  const { limit = 50, offset = 0, status } = req.query;
  return { status: 200, body: await listDeliveries(ctx, orgOwner(ctx.principal.orgId), req.params.id, { limit, offset, status }) };
};
