import type { Handler } from '../../src/handler';
import { webhookJson } from './webhook-row';
import { findWebhook } from './webhook-store';

export const getWebhook: Handler<'getWebhook'> = async (ctx, req) => ({
  status: 200,
  body: webhookJson(await findWebhook(ctx.db, ctx.principal.orgId, req.params.id), ctx.clock()),
});
