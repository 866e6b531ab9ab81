import type { Handler } from '../../src/handler';
import { deleteEndpoint } from '../webhooks/endpoint-operations';
import { projectOwner } from './webhooks/project-webhook';

export const deleteProjectWebhook: Handler<'deleteProjectWebhook'> = async (ctx, req) => {
  await deleteEndpoint(ctx, await projectOwner(ctx, req.params.project_id, 'webhooks.write'), req.params.id);
  return { status: 204, body: undefined };
};
