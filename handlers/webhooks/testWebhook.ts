import { randomUUID } from 'node:crypto';
import type { Handler } from '../../src/handler';
import { requestAttemptDeps } from '../../src/webhooks/api-attempts';
import { attemptDelivery } from '../../src/webhooks/attempt';
import { LEASE_MS, type ClaimedDelivery } from '../../src/webhooks/delivery-store';
import { TEST_EVENT_TYPE } from '../../src/webhooks/event-types';
import { findWebhook } from './webhook-store';

const TEST_MESSAGE = 'This is a test event from Aura.';

// The event and its delivery, leased to this request from the start so no worker takes it too.
const CREATE_TEST_SQL = `
  WITH ev AS (
    INSERT INTO webhook_events (id, org_id, type, data) VALUES (webhook_event_id(), $1, $3, $4) RETURNING *
  ), d AS (
    INSERT INTO webhook_deliveries (org_id, endpoint_id, event_id, next_attempt_at, claimed_by, claimed_until)
    SELECT $1, $2, ev.id, $5::timestamptz + $6 * interval '1 millisecond', $7, $5::timestamptz + $6 * interval '1 millisecond' FROM ev
    RETURNING *
  )
  SELECT d.id, d.org_id, d.status, d.attempts, ev.id AS event_id, ev.type AS event_type, ev.data AS event_data,
         ev.created_at AS event_created_at, p.id AS endpoint_id, p.url, p.secret_encrypted, p.previous_secret_encrypted,
         p.previous_secret_expires_at
    FROM d JOIN ev ON ev.id = d.event_id JOIN webhook_endpoints p ON p.id = d.endpoint_id`;

/** One signed webhook.test, now, even to a switched-off endpoint; not retried, not counted as a failure. */
export const testWebhook: Handler<'testWebhook'> = async (ctx, req) => {
  const orgId = ctx.principal.orgId;
  const webhook = await findWebhook(ctx.db, orgId, req.params.id);
  const claimant = randomUUID();
  const { rows } = await ctx.db.query(CREATE_TEST_SQL, [orgId, webhook.id, TEST_EVENT_TYPE, { webhook_id: webhook.id, message: TEST_MESSAGE }, ctx.clock(), LEASE_MS, claimant]);
  const claim = rows[0] as ClaimedDelivery;
  const { outcome } = await attemptDelivery(requestAttemptDeps(ctx), claim, claimant, { retries: false, affectsEndpoint: false });
  return {
    status: 200,
    body: {
      success: outcome.ok,
      delivery_id: claim.id,
      event_id: claim.event_id,
      status_code: outcome.statusCode,
      duration_ms: outcome.durationMs,
      response_body: outcome.responseBody,
      error: outcome.error,
    },
  };
};
