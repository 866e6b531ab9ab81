import type { Handler } from '../../src/handler';
import { createEndpoint } from '../webhooks/endpoint-operations';
import { projectOwner, projectWebhookJson, subscriptionPolicy } from './webhooks/project-webhook';

/** Subscribes an endpoint to the project's events; its secret is in this response only. */
export const createProjectWebhook: Handler<'createProjectWebhook'> = async (ctx, req) => {
  const owner = await projectOwner(ctx, req.params.project_id, 'webhooks.write');
  const { row, secret } = await createEndpoint(ctx, owner, req.body, subscriptionPolicy(ctx));
  return { status: 201, body: { webhook: projectWebhookJson(row, ctx.clock()), secret } };
};
