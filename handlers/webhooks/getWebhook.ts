import type { Handler } from '../../src/handler';
import { webhookJson } from './webhook-row';
import { findWebhook, orgOwner } from './webhook-store';

export const getWebhook: Handler<'getWebhook'> = async (ctx, req) => ({
  status: 200,
  body: webhookJson(await findWebhook(ctx.db, orgOwner(ctx.principal.orgId), req.params.id), ctx.clock()),
});
