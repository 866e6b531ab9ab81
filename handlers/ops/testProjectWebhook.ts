import type { Handler } from '../../src/handler';
import { testEndpoint } from '../webhooks/endpoint-operations';
import { projectOwner } from './webhooks/project-webhook';

/** A signed webhook.test now, as for the organisation's subscriptions. */
export const testProjectWebhook: Handler<'testProjectWebhook'> = async (ctx, req) => ({
  status: 200,
  body: await testEndpoint(ctx, await projectOwner(ctx, req.params.project_id, 'webhooks.write'), req.params.id),
});
