import { randomUUID } from 'node:crypto';
import { ApiError, notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { requestAttemptDeps } from '../../src/webhooks/api-attempts';
import { attemptDelivery } from '../../src/webhooks/attempt';
import { claimOne } from '../../src/webhooks/delivery-store';
import { DELIVERY_COLUMNS, DELIVERY_FROM, deliveryJson } from './delivery-row';
import { findWebhook, orgOwner } from './webhook-store';

/**
 * One attempt now, same webhook-id. A pending delivery keeps its schedule if it fails again; a
 * delivered or failed one takes its status from this attempt.
 */
export const retryWebhookDelivery: Handler<'retryWebhookDelivery'> = async (ctx, req) => {
  const orgId = ctx.principal.orgId;
  const webhook = await findWebhook(ctx.db, orgOwner(orgId), req.params.id);
  if (!webhook.active) throw new ApiError('CONFLICT', 'The webhook is switched off; switch it on (PATCH active: true) before retrying');
  const claimant = randomUUID();
  const claim = await claimOne(ctx.db, { now: ctx.clock(), deliveryId: req.params.delivery_id, endpointId: webhook.id, orgId, claimant });
  if (!claim) throw notFound('Delivery');
  if (claim === 'busy') throw new ApiError('CONFLICT', 'This delivery is being attempted right now; look at the delivery log in a moment');
  await attemptDelivery(requestAttemptDeps(ctx), claim, claimant, { retries: claim.status === 'pending', affectsEndpoint: true });
  const { rows } = await ctx.db.query(`SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.id = $1`, [claim.id]);
  if (!rows[0]) throw notFound('Delivery'); // the webhook was deleted meanwhile
  return { status: 200, body: deliveryJson(rows[0]) };
};
