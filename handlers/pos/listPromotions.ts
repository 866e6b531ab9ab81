import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchPage, listSql } from './page';

const SQL = listSql(
  {
    table: 'promotions',
    item: 'pos_promotion_json(p.r)',
    where: `r.org_id = $1 AND ($2::boolean IS NULL OR r.actif = $2) AND ($3::timestamptz IS NULL OR r.updated_at >= $3)`,
  },
  ['created_at', 'id'],
  4,
);

export const listPromotions: Handler<'listPromotions'> = async (ctx, req) => {
  const { limit = 50, offset = 0, actif, updated_since } = req.query;
  const sql = updated_since === undefined ? SQL.natural : SQL.byUpdate;
  const params = [ctx.principal!.orgId, actif ?? null, updated_since ?? null];
  return { status: 200, body: await fetchPage<components['schemas']['Promotion']>(ctx, sql, params, limit, offset) };
};
