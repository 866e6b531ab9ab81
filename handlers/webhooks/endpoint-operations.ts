// The subscription operations, for either owner (webhook-store.ts): the organisation's
// (/api/v1/webhooks) and a project's (/api/v1/projects/{project_id}/webhooks) run the same code,
// so both get the same URL checks, secret handling and rotation, audit, switch-off, test, delivery
// log and retry semantics.
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../src/audit';
import { assertMaySubscribe } from '../../src/auth/event-scopes';
import { fetchRows, byTime } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import { withTransaction } from '../../src/db/transaction';
import { ApiError, notFound } from '../../src/errors';
import type { SecuredCtx } from '../../src/handler';
import { requestAttemptDeps } from '../../src/webhooks/api-attempts';
import { attemptDelivery } from '../../src/webhooks/attempt';
import { claimOne, failPendingDeliveries, LEASE_MS, type ClaimedDelivery } from '../../src/webhooks/delivery-store';
import { TEST_EVENT_TYPE } from '../../src/webhooks/event-types';
import { encryptSecret, generateSecret } from '../../src/webhooks/secrets';
import { secretsKey } from '../../src/webhooks/settings';
import { checkedUrl } from './checked-url';
import { DELIVERY_COLUMNS, DELIVERY_FROM, deliveryJson, type DeliveryJson, type DeliveryRow } from './delivery-row';
import { WEBHOOK_COLUMNS, type WebhookRow } from './webhook-row';
import { auditHost, findWebhook, ownedBy, type WebhookOwner } from './webhook-store';

/** Each endpoint multiplies every event's deliveries: a bound per owner keeps the fan-out sane. */
export const MAX_WEBHOOKS_PER_OWNER = 20;

export interface SubscriptionPolicy {
  /**
   * Whether the events listed need the caller's read scopes (src/auth/event-scopes.ts). Always for
   * keys and JWT users; a project's console users are decided by their project role instead.
   */
  checkScopes: boolean;
}

const ownerMetadata = (owner: WebhookOwner) => (owner.projectId ? { project_id: owner.projectId } : {});

export interface EndpointCreate {
  url: string;
  events: string[];
  description?: string;
  active?: boolean;
}

/** Creates a subscription; its secret is in this answer only (stored encrypted). */
export async function createEndpoint(ctx: SecuredCtx, owner: WebhookOwner, body: EndpointCreate, policy: SubscriptionPolicy): Promise<{ row: WebhookRow; secret: string }> {
  const { events, description = '', active = true } = body;
  if (policy.checkScopes) assertMaySubscribe(ctx.principal, events);
  const url = await checkedUrl(ctx, body.url);
  const id = randomUUID();
  const secret = generateSecret();
  const encrypted = encryptSecret(secretsKey(ctx.config), id, secret);
  const row = await withTransaction(ctx.db, async (tx) => {
    // Serialises this owner's creations so the count below is not raced.
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`webhooks:${owner.orgId}${owner.projectId ? `:${owner.projectId}` : ''}`]);
    const own = ownedBy(owner, 1);
    const { rows: count } = await tx.query(`SELECT count(*) AS n FROM webhook_endpoints WHERE ${own.sql}`, own.params);
    if (count[0].n >= MAX_WEBHOOKS_PER_OWNER) {
      const who = owner.projectId ? 'A project' : 'An organisation';
      throw new ApiError('CONFLICT', `${who} can have at most ${MAX_WEBHOOKS_PER_OWNER} webhook subscriptions; delete one first`);
    }
    const { rows } = await tx.query(
      `INSERT INTO webhook_endpoints (id, org_id, project_id, url, events, description, active, secret_encrypted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${WEBHOOK_COLUMNS}`,
      [id, owner.orgId, owner.projectId, url, events, description, active, encrypted],
    );
    await recordAudit(tx, ctx, { orgId: owner.orgId, action: 'webhook.created', targetType: 'webhook', targetId: id, metadata: { host: auditHost(url), events, ...ownerMetadata(owner) } });
    return rows[0] as WebhookRow;
  });
  return { row, secret };
}

/** A page of the owner's subscriptions, newest first. */
export async function listEndpoints(ctx: SecuredCtx, owner: WebhookOwner, page: { limit: number; offset: number }) {
  const list = {
    from: 'webhook_endpoints',
    columns: WEBHOOK_COLUMNS,
    where: [sql`org_id = ${owner.orgId}`, owner.projectId === null ? sql`project_id IS NULL` : sql`project_id = ${owner.projectId}`],
    order: byTime('created_at', true),
  };
  return fetchRows<WebhookRow>(ctx.db, list, page);
}

export interface EndpointUpdate {
  url?: string;
  events?: string[];
  description?: string;
  active?: boolean;
}

/**
 * Listing events, or moving the URL, needs each event's read scope (when the policy checks them).
 * Switching off fails the pending deliveries (an endpoint off keeps no queue); switching back on
 * forgets why the system had switched it off, and its failure streak.
 */
export async function updateEndpoint(ctx: SecuredCtx, owner: WebhookOwner, id: string, body: EndpointUpdate, policy: SubscriptionPolicy): Promise<WebhookRow> {
  const now = ctx.clock();
  const { events, description, active } = body;
  const url = body.url === undefined ? undefined : await checkedUrl(ctx, body.url);
  return withTransaction(ctx.db, async (tx) => {
    const before = await findWebhook(tx, owner, id, { forUpdate: true });
    // New events, or the same events sent elsewhere: either way the caller chooses who receives them.
    if (policy.checkScopes && events) assertMaySubscribe(ctx.principal, events);
    else if (policy.checkScopes && url !== undefined) assertMaySubscribe(ctx.principal, before.events, () => ['body', 'url']);
    const switchedOn = active === true && !before.active;
    const { rows } = await tx.query(
      `UPDATE webhook_endpoints
          SET url = coalesce($3, url), events = coalesce($4, events), description = coalesce($5, description),
              active = coalesce($6, active),
              disabled_at = CASE WHEN $7 THEN NULL ELSE disabled_at END,
              disabled_reason = CASE WHEN $7 THEN NULL ELSE disabled_reason END,
              failing_since = CASE WHEN $7 THEN NULL ELSE failing_since END
        WHERE id = $1 AND org_id = $2 RETURNING ${WEBHOOK_COLUMNS}`,
      [before.id, owner.orgId, url ?? null, events ?? null, description ?? null, active ?? null, switchedOn],
    );
    if (active === false && before.active) await failPendingDeliveries(tx, before.id, now, 'the endpoint was switched off');
    await recordAudit(tx, ctx, {
      orgId: owner.orgId,
      action: 'webhook.updated',
      targetType: 'webhook',
      targetId: before.id,
      metadata: {
        changed: Object.keys(body),
        host: auditHost(rows[0].url),
        ...(events ? { events } : {}),
        ...(active !== undefined ? { active } : {}),
        ...ownerMetadata(owner),
      },
    });
    return rows[0] as WebhookRow;
  });
}

/** Its deliveries go with it (a worker holding one records nothing); its events age out with retention. */
export async function deleteEndpoint(ctx: SecuredCtx, owner: WebhookOwner, id: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const own = ownedBy(owner, 2);
    const { rows } = await tx.query(`DELETE FROM webhook_endpoints WHERE id = $1 AND ${own.sql} RETURNING id, url`, [id, ...own.params]);
    if (!rows[0]) throw notFound('Webhook');
    await recordAudit(tx, ctx, { orgId: owner.orgId, action: 'webhook.deleted', targetType: 'webhook', targetId: rows[0].id, metadata: { host: auditHost(rows[0].url), ...ownerMetadata(owner) } });
  });
}

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
export async function testEndpoint(ctx: SecuredCtx, owner: WebhookOwner, id: string) {
  const webhook = await findWebhook(ctx.db, owner, id);
  const claimant = randomUUID();
  const { rows } = await ctx.db.query(CREATE_TEST_SQL, [owner.orgId, webhook.id, TEST_EVENT_TYPE, { webhook_id: webhook.id, message: TEST_MESSAGE }, ctx.clock(), LEASE_MS, claimant]);
  const claim = rows[0] as ClaimedDelivery;
  const { outcome } = await attemptDelivery(requestAttemptDeps(ctx), claim, claimant, { retries: false, affectsEndpoint: false });
  return {
    success: outcome.ok,
    delivery_id: claim.id,
    event_id: claim.event_id,
    status_code: outcome.statusCode,
    duration_ms: outcome.durationMs,
    response_body: outcome.responseBody,
    error: outcome.error,
  };
}

/** A page of one of the owner's subscriptions' delivery log, newest first; `status` filters. */
export async function listDeliveries(ctx: SecuredCtx, owner: WebhookOwner, id: string, page: { limit: number; offset: number; status?: DeliveryJson['status'] }) {
  const webhook = await findWebhook(ctx.db, owner, id);
  const { status } = page;
  const list = {
    from: DELIVERY_FROM,
    columns: DELIVERY_COLUMNS,
    where: [sql`d.endpoint_id = ${webhook.id}`, sql`d.org_id = ${owner.orgId}`, status !== undefined && sql`d.status = ${status}`],
    order: byTime('d.created_at', true),
  };
  const { items, ...rest } = await fetchRows<DeliveryRow>(ctx.db, list, { limit: page.limit, offset: page.offset });
  return { items: items.map(deliveryJson), ...rest };
}

/**
 * One attempt now, same webhook-id. A pending delivery keeps its schedule if it fails again; a
 * delivered or failed one takes its status from this attempt. 409 while the endpoint is switched
 * off, or while a worker holds the delivery.
 */
export async function retryDelivery(ctx: SecuredCtx, owner: WebhookOwner, id: string, deliveryId: string): Promise<DeliveryJson> {
  const webhook = await findWebhook(ctx.db, owner, id);
  if (!webhook.active) throw new ApiError('CONFLICT', 'The webhook is switched off; switch it on (PATCH active: true) before retrying');
  const claimant = randomUUID();
  const claim = await claimOne(ctx.db, { now: ctx.clock(), deliveryId, endpointId: webhook.id, orgId: owner.orgId, claimant });
  if (!claim) throw notFound('Delivery');
  if (claim === 'busy') throw new ApiError('CONFLICT', 'This delivery is being attempted right now; look at the delivery log in a moment');
  await attemptDelivery(requestAttemptDeps(ctx), claim, claimant, { retries: claim.status === 'pending', affectsEndpoint: true });
  const { rows } = await ctx.db.query(`SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.id = $1`, [claim.id]);
  if (!rows[0]) throw notFound('Delivery'); // the webhook was deleted meanwhile
  return deliveryJson(rows[0]);
}

/** How long the replaced secret keeps signing, so receivers switch without losing an event. */
export const PREVIOUS_SECRET_VALIDITY_MS = 24 * 60 * 60 * 1000;

/**
 * A new signing secret, answered this once (stored encrypted); the replaced one keeps signing for
 * PREVIOUS_SECRET_VALIDITY_MS, and one replaced earlier is dropped.
 */
export async function rotateEndpointSecret(ctx: SecuredCtx, owner: WebhookOwner, id: string): Promise<{ secret: string; previous_secret_expires_at: string }> {
  const now = ctx.clock();
  const secret = generateSecret();
  const expires = new Date(now.getTime() + PREVIOUS_SECRET_VALIDITY_MS);
  await withTransaction(ctx.db, async (tx) => {
    const own = ownedBy(owner, 2);
    // The ciphertext moves as it is: it is bound to the endpoint id, which does not change.
    const { rows } = await tx.query(
      `UPDATE webhook_endpoints
          SET previous_secret_encrypted = secret_encrypted, previous_secret_expires_at = $4, secret_encrypted = $5
        WHERE id = $1 AND ${own.sql} RETURNING id`,
      [id, ...own.params, expires, encryptSecret(secretsKey(ctx.config), id, secret)],
    );
    if (!rows[0]) throw notFound('Webhook');
    await recordAudit(tx, ctx, {
      orgId: owner.orgId,
      action: 'webhook.secret_rotated',
      targetType: 'webhook',
      targetId: id,
      metadata: { previous_secret_expires_at: expires.toISOString(), ...ownerMetadata(owner) },
    });
  });
  return { secret, previous_secret_expires_at: expires.toISOString() };
}
