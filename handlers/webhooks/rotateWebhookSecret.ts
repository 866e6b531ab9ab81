import type { Handler } from '../../src/handler';
import { rotateEndpointSecret } from './endpoint-operations';
import { orgOwner } from './webhook-store';

/** A new secret, shown once; the previous one keeps signing 24 hours (a `webhook.secret_rotated` audit event). */
export const rotateWebhookSecret: Handler<'rotateWebhookSecret'> = async (ctx, req) => ({
  status: 200,
  body: await rotateEndpointSecret(ctx, orgOwner(ctx.principal.orgId), req.params.id),
});
