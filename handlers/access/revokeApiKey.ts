import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { API_KEY_COLUMNS, apiKeyJson } from './api-key-row';

/**
 * Revocation is read by every request's key lookup (no cache), so it takes effect on the next
 * request on every instance. Revoking a revoked key changes nothing (no second audit event).
 */
export const revokeApiKey: Handler<'revokeApiKey'> = async (ctx, req) => {
  const p = ctx.principal;
  const now = ctx.clock();
  const row = await withTransaction(ctx.db, async (tx) => {
    const { rows } = await tx.query(
      `UPDATE api_keys SET revoked_at = $3, revoked_by = $4 WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL RETURNING ${API_KEY_COLUMNS}`,
      [req.params.id, p.orgId, now, p.kind === 'user' ? p.userId : null],
    );
    if (rows[0]) {
      await recordAudit(tx, ctx, { orgId: p.orgId, action: 'api_key.revoked', targetType: 'api_key', targetId: rows[0].id, metadata: { name: rows[0].name, prefix: rows[0].prefix } });
      return rows[0];
    }
    const { rows: existing } = await tx.query(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1 AND org_id = $2`, [req.params.id, p.orgId]);
    if (!existing[0]) throw notFound('API key');
    return existing[0];
  });
  return { status: 200, body: apiKeyJson(row, now) };
};
