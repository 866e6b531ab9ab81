import type { Handler } from '../../src/handler';
import { listEndpoints } from '../webhooks/endpoint-operations';
import { projectOwner, projectWebhookJson } from './webhooks/project-webhook';

export const listProjectWebhooks: Handler<'listProjectWebhooks'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const owner = await projectOwner(ctx, req.params.project_id, 'webhooks.read');
  const { items, ...page } = await listEndpoints(ctx, owner, { limit, offset });
  const now = ctx.clock();
  return { status: 200, body: { items: items.map((r) => projectWebhookJson(r, now)), ...page } };
};
