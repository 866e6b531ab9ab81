import type { Handler } from '../../src/handler';
import { retryDelivery } from './endpoint-operations';
import { orgOwner } from './webhook-store';

/**
 * One attempt now, same webhook-id. A pending delivery keeps its schedule if it fails again; a
 * delivered or failed one takes its status from this attempt.
 */
export const retryWebhookDelivery: Handler<'retryWebhookDelivery'> = async (ctx, req) => ({
  status: 200,
  body: await retryDelivery(ctx, orgOwner(ctx.principal.orgId), req.params.id, req.params.delivery_id),
});
