import { fetchList, listStatement } from '../../src/db/list-page';
import type { Handler } from '../../src/handler';
import { API_KEY_COLUMNS, apiKeyJson, type ApiKeyRow } from './api-key-row';

const LIST = listStatement({ from: 'api_keys', where: 'org_id = $1', columns: API_KEY_COLUMNS, orderBy: 'created_at DESC, id DESC' });

export const listApiKeys: Handler<'listApiKeys'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const { rows, ...page } = await fetchList<ApiKeyRow>(ctx.db, LIST, [ctx.principal!.orgId], { limit, offset });
  const now = ctx.clock();
  return { status: 200, body: { items: rows.map((r) => apiKeyJson(r, now)), ...page } };
};
