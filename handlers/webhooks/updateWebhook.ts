import type { Handler } from '../../src/handler';
import { updateEndpoint } from './endpoint-operations';
import { webhookJson } from './webhook-row';
import { orgOwner } from './webhook-store';

/**
 * Listing events, or moving the URL, needs each event's read scope (src/auth/event-scopes.ts).
 * Switching off fails the pending deliveries; switching back on clears the system's switch-off.
 */
export const updateWebhook: Handler<'updateWebhook'> = async (ctx, req) => {
  const row = await updateEndpoint(ctx, orgOwner(ctx.principal.orgId), req.params.id, req.body, { checkScopes: true });
  return { status: 200, body: webhookJson(row, ctx.clock()) };
};
