import type { Handler } from '../../src/handler';
import { listEndpoints } from './endpoint-operations';
import { webhookJson } from './webhook-row';
import { orgOwner } from './webhook-store';

/** The organisation's own subscriptions (never a project's). */
export const listWebhooks: Handler<'listWebhooks'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const { items, ...page } = await listEndpoints(ctx, orgOwner(ctx.principal.orgId), { limit, offset });
  const now = ctx.clock();
  return { status: 200, body: { items: items.map((r) => webhookJson(r, now)), ...page } };
};
