import type { Handler } from '../../src/handler';
import { testEndpoint } from './endpoint-operations';
import { orgOwner } from './webhook-store';

/** One signed webhook.test, now, even to a switched-off endpoint; not retried, not counted as a failure. */
export const testWebhook: Handler<'testWebhook'> = async (ctx, req) => ({
  status: 200,
  body: await testEndpoint(ctx, orgOwner(ctx.principal.orgId), req.params.id),
});
