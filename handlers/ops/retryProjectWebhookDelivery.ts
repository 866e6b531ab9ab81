import type { Handler } from '../../src/handler';
import { retryDelivery } from '../webhooks/endpoint-operations';
import { projectOwner } from './webhooks/project-webhook';

/** One attempt of the delivery now, as for the organisation's subscriptions. */
export const retryProjectWebhookDelivery: Handler<'retryProjectWebhookDelivery'> = async (ctx, req) => ({
  status: 200,
  body: await retryDelivery(ctx, await projectOwner(ctx, req.params.project_id, 'webhooks.write'), req.params.id, req.params.delivery_id),
});
