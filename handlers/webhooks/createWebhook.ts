import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../src/audit';
import { assertMaySubscribe } from '../../src/auth/event-scopes';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { encryptSecret, generateSecret } from '../../src/webhooks/secrets';
import { secretsKey } from '../../src/webhooks/settings';
import { checkedUrl } from './checked-url';
import { WEBHOOK_COLUMNS, webhookJson } from './webhook-row';
import { auditHost } from './webhook-store';

/** Each endpoint multiplies every event's deliveries: a bound keeps one organisation's fan-out sane. */
export const MAX_WEBHOOKS_PER_ORG = 20;

/** Creates a subscription; its secret is in this response only (stored encrypted). */
export const createWebhook: Handler<'createWebhook'> = async (ctx, req) => {
  const orgId = ctx.principal.orgId;
  const { events, description = '', active = true } = req.body;
  assertMaySubscribe(ctx.principal, events);
  const url = await checkedUrl(ctx, req.body.url);
  const id = randomUUID();
  const secret = generateSecret();
  const encrypted = encryptSecret(secretsKey(ctx.config), id, secret);
  const row = await withTransaction(ctx.db, async (tx) => {
    // Serialises this org's creations so the count below is not raced.
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`webhooks:${orgId}`]);
    const { rows: count } = await tx.query('SELECT count(*) AS n FROM webhook_endpoints WHERE org_id = $1', [orgId]);
    if (count[0].n >= MAX_WEBHOOKS_PER_ORG) {
      throw new ApiError('CONFLICT', `An organisation can have at most ${MAX_WEBHOOKS_PER_ORG} webhook subscriptions; delete one first`);
    }
    const { rows } = await tx.query(
      `INSERT INTO webhook_endpoints (id, org_id, url, events, description, active, secret_encrypted)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${WEBHOOK_COLUMNS}`,
      [id, orgId, url, events, description, active, encrypted],
    );
    await recordAudit(tx, ctx, { orgId, action: 'webhook.created', targetType: 'webhook', targetId: id, metadata: { host: auditHost(url), events } });
    return rows[0];
  });
  return { status: 201, body: { webhook: webhookJson(row, ctx.clock()), secret } };
};
