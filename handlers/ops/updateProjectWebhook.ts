import type { Handler } from '../../src/handler';
import { updateEndpoint } from '../webhooks/endpoint-operations';
import { projectOwner, projectWebhookJson, subscriptionPolicy } from './webhooks/project-webhook';

export const updateProjectWebhook: Handler<'updateProjectWebhook'> = async (ctx, req) => {
  const owner = await projectOwner(ctx, req.params.project_id, 'webhooks.write');
  const row = await updateEndpoint(ctx, owner, req.params.id, req.body, subscriptionPolicy(ctx));
  return { status: 200, body: projectWebhookJson(row, ctx.clock()) };
};
