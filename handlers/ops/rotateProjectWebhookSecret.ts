import type { Handler } from '../../src/handler';
import { rotateEndpointSecret } from '../webhooks/endpoint-operations';
import { projectOwner } from './webhooks/project-webhook';

/** A new signing secret, shown once; the previous one keeps signing 24 hours, as for the organisation's. */
export const rotateProjectWebhookSecret: Handler<'rotateProjectWebhookSecret'> = async (ctx, req) => ({
  status: 200,
  body: await rotateEndpointSecret(ctx, await projectOwner(ctx, req.params.project_id, 'webhooks.write'), req.params.id),
});
