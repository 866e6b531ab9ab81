import { notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { API_KEY_COLUMNS, apiKeyJson } from './api-key-row';

export const getApiKey: Handler<'getApiKey'> = async (ctx, req) => {
  const { rows } = await ctx.db.query(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1 AND org_id = $2`, [req.params.id, ctx.principal.orgId]);
  if (!rows[0]) throw notFound('API key');
  return { status: 200, body: apiKeyJson(rows[0], ctx.clock()) };
};
