import { recordAudit } from '../../src/audit';
import { assertMaySubscribe } from '../../src/auth/event-scopes';
import { withTransaction } from '../../src/db/transaction';
import type { Handler } from '../../src/handler';
import { failPendingDeliveries } from '../../src/webhooks/delivery-store';
import { checkedUrl } from './checked-url';
import { WEBHOOK_COLUMNS, webhookJson } from './webhook-row';
import { auditHost, findWebhook } from './webhook-store';

/**
 * Listing events, or moving the URL, needs each event's read scope (src/auth/event-scopes.ts).
 * Switching off fails the pending deliveries (an endpoint off keeps no queue); switching back on
 * forgets why the system had switched it off, and its failure streak.
 */
export const updateWebhook: Handler<'updateWebhook'> = async (ctx, req) => {
  const orgId = ctx.principal.orgId;
  const now = ctx.clock();
  const { events, description, active } = req.body;
  const url = req.body.url === undefined ? undefined : await checkedUrl(ctx, req.body.url);
  const row = await withTransaction(ctx.db, async (tx) => {
    const before = await findWebhook(tx, orgId, req.params.id, { forUpdate: true });
    // New events, or the same events sent elsewhere: either way the caller chooses who receives them.
    if (events) assertMaySubscribe(ctx.principal, events);
    else if (url !== undefined) assertMaySubscribe(ctx.principal, before.events, () => ['body', 'url']);
    const switchedOn = active === true && !before.active;
    const { rows } = await tx.query(
      `UPDATE webhook_endpoints
          SET url = coalesce($3, url), events = coalesce($4, events), description = coalesce($5, description),
              active = coalesce($6, active),
              disabled_at = CASE WHEN $7 THEN NULL ELSE disabled_at END,
              disabled_reason = CASE WHEN $7 THEN NULL ELSE disabled_reason END,
              failing_since = CASE WHEN $7 THEN NULL ELSE failing_since END
        WHERE id = $1 AND org_id = $2 RETURNING ${WEBHOOK_COLUMNS}`,
      [before.id, orgId, url ?? null, events ?? null, description ?? null, active ?? null, switchedOn],
    );
    if (active === false && before.active) await failPendingDeliveries(tx, before.id, now, 'the endpoint was switched off');
    await recordAudit(tx, ctx, {
      orgId,
      action: 'webhook.updated',
      targetType: 'webhook',
      targetId: before.id,
      metadata: { changed: Object.keys(req.body), host: auditHost(rows[0].url), ...(events ? { events } : {}), ...(active !== undefined ? { active } : {}) },
    });
    return rows[0];
  });
  return { status: 200, body: webhookJson(row, now) };
};
