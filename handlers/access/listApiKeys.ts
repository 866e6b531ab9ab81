import { byTime, fetchRows } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { API_KEY_COLUMNS, apiKeyJson, type ApiKeyRow } from './api-key-row';

export const listApiKeys: Handler<'listApiKeys'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const list = { from: 'api_keys', columns: API_KEY_COLUMNS, where: [sql`org_id = ${ctx.principal.orgId}`], order: byTime('created_at', true) };
  const { items, ...page } = await fetchRows<ApiKeyRow>(ctx.db, list, { limit, offset });
  const now = ctx.clock();
  return { status: 200, body: { items: items.map((r) => apiKeyJson(r, now)), ...page } };
};
