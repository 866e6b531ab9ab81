import type { Handler } from '../../src/handler';
import { createEndpoint } from './endpoint-operations';
import { webhookJson } from './webhook-row';
import { orgOwner } from './webhook-store';

/** Creates a subscription of the organisation; its secret is in this response only (stored encrypted). */
export const createWebhook: Handler<'createWebhook'> = async (ctx, req) => {
  const { row, secret } = await createEndpoint(ctx, orgOwner(ctx.principal.orgId), req.body, { checkScopes: true });
  return { status: 201, body: { webhook: webhookJson(row, ctx.clock()), secret } };
};
