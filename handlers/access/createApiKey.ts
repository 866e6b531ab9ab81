import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { apiAccessDisabled, POS_API_ACCESS_SQL } from '../pos/access-policy';
import { checkProjectBinding } from './project-binding';
import { apiKeyJson } from './api-key-row';
import { insertApiKey } from './api-key-store';

/** Creates a key; the plaintext is in this response only. The audit event commits with it. */
export const createApiKey: Handler<'createApiKey'> = async (ctx, req) => {
  const p = ctx.principal;
  const now = ctx.clock();
  const { name, description, scopes, expires_at, rate_limit_per_minute, project_id } = req.body;
  if (expires_at && new Date(expires_at) <= now) {
    throw new ApiError('VALIDATION_ERROR', 'expires_at must be in the future', { details: [{ loc: ['body', 'expires_at'], msg: 'must be in the future', type: 'future' }] });
  }
  // A key would be refused by the POS edition rule on every call: refuse to make it.
  const { rows: org } = await ctx.db.query(`SELECT ${POS_API_ACCESS_SQL} AS api_access FROM organisations o WHERE o.id = $1`, [p.orgId]);
  if (!org[0]?.api_access) throw apiAccessDisabled();
  if (project_id) await checkProjectBinding(ctx.db, p.orgId, project_id, scopes);
  const created = await withTransaction(ctx.db, (tx) =>
    insertApiKey(tx, ctx, { orgId: p.orgId, name, description, scopes, projectId: project_id ?? null, createdBy: p.kind === 'user' ? p.userId : null, expiresAt: expires_at, rateLimitPerMinute: rate_limit_per_minute, now }),
  );
  return { status: 201, body: { api_key: apiKeyJson(created.row, now), key: created.key } };
};
