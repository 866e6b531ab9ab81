import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchPage, listSql } from './page';

const SQL = listSql(
  { table: 'familles', item: 'pos_famille_json(p.r)', where: `r.org_id = $1 AND ($2::timestamptz IS NULL OR r.updated_at >= $2)` },
  ['position', 'id'],
  3,
);

export const listFamilles: Handler<'listFamilles'> = async (ctx, req) => {
  const { limit = 50, offset = 0, updated_since } = req.query;
  const sql = updated_since === undefined ? SQL.natural : SQL.byUpdate;
  const page = await fetchPage<components['schemas']['Famille']>(ctx, sql, [ctx.principal!.orgId, updated_since ?? null], limit, offset);
  return { status: 200, body: page };
};
