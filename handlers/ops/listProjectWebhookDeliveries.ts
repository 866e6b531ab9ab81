import type { Handler } from '../../src/handler';
import { listDeliveries } from '../webhooks/endpoint-operations';
import { projectOwner } from './webhooks/project-webhook';

/** The delivery log of one of the project's subscriptions, as for the organisation's. */
export const listProjectWebhookDeliveries: Handler<'listProjectWebhookDeliveries'> = async (ctx, req) => {
  const { limit = 50, offset = 0, status } = req.query;
  const owner = await projectOwner(ctx, req.params.project_id, 'webhooks.read');
  return { status: 200, body: await listDeliveries(ctx, owner, req.params.id, { limit, offset, status }) };
};
