import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { auditHost } from './webhook-store';

/** Its deliveries go with it (a worker holding one records nothing); its events age out with retention. */
export const deleteWebhook: Handler<'deleteWebhook'> = async (ctx, req) => {
  const orgId = ctx.principal.orgId;
  await withTransaction(ctx.db, async (tx) => {
    const { rows } = await tx.query('DELETE FROM webhook_endpoints WHERE id = $1 AND org_id = $2 RETURNING id, url', [req.params.id, orgId]);
    if (!rows[0]) throw notFound('Webhook');
    await recordAudit(tx, ctx, { orgId, action: 'webhook.deleted', targetType: 'webhook', targetId: rows[0].id, metadata: { host: auditHost(rows[0].url) } });
  });
  return { status: 204, body: undefined };
};
