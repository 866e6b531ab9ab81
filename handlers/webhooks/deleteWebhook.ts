import type { Handler } from '../../src/handler';
import { deleteEndpoint } from './endpoint-operations';
import { orgOwner } from './webhook-store';

/** Its deliveries go with it (a worker holding one records nothing); its events age out with retention. */
export const deleteWebhook: Handler<'deleteWebhook'> = async (ctx, req) => {
  await deleteEndpoint(ctx, orgOwner(ctx.principal.orgId), req.params.id);
  return { status: 204, body: undefined };
};
