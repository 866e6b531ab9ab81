import type { Handler } from '../../src/handler';
import { findWebhook } from '../webhooks/webhook-store';
import { projectOwner, projectWebhookJson } from './webhooks/project-webhook';

export const getProjectWebhook: Handler<'getProjectWebhook'> = async (ctx, req) => {
  const owner = await projectOwner(ctx, req.params.project_id, 'webhooks.read');
  return { status: 200, body: projectWebhookJson(await findWebhook(ctx.db, owner, req.params.id), ctx.clock()) };
};
