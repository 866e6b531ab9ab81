import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { encryptSecret, generateSecret } from '../../src/webhooks/secrets';
import { secretsKey } from '../../src/webhooks/settings';

/** How long the replaced secret keeps signing, so receivers switch without losing an event. */
export const PREVIOUS_SECRET_VALIDITY_MS = 24 * 60 * 60 * 1000;

export const rotateWebhookSecret: Handler<'rotateWebhookSecret'> = async (ctx, req) => {
  const orgId = ctx.principal.orgId;
  const now = ctx.clock();
  const secret = generateSecret();
  const expires = new Date(now.getTime() + PREVIOUS_SECRET_VALIDITY_MS);
  await withTransaction(ctx.db, async (tx) => {
    // The ciphertext moves as it is: it is bound to the endpoint id, which does not change.
    const { rows } = await tx.query(
      `UPDATE webhook_endpoints
          SET previous_secret_encrypted = secret_encrypted, previous_secret_expires_at = $3, secret_encrypted = $4
        WHERE id = $1 AND org_id = $2 AND project_id IS NULL RETURNING id`,
      [req.params.id, orgId, expires, encryptSecret(secretsKey(ctx.config), req.params.id, secret)],
    );
    if (!rows[0]) throw notFound('Webhook');
    await recordAudit(tx, ctx, { orgId, action: 'webhook.secret_rotated', targetType: 'webhook', targetId: req.params.id, metadata: { previous_secret_expires_at: expires.toISOString() } });
  });
  return { status: 200, body: { secret, previous_secret_expires_at: expires.toISOString() } };
};
