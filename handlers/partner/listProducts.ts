import type { components, operations } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson, type JsonList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';

/** The partner catalogue (table products; the POS one is produits) for one organisation and one set of filters. */
export function productsList(orgId: string, q: NonNullable<operations['listProducts']['parameters']['query']>): JsonList {
  return {
    table: 'products',
    item: 'partner_product_json(p.r)',
    where: [
      sql`r.org_id = ${orgId}`,
      q.active !== undefined && sql`r.active = ${q.active}`,
      q.billing !== undefined && sql`r.billing = ${q.billing}`,
      q.updated_since !== undefined && sql`r.updated_at >= ${q.updated_since}`,
    ],
    order: q.updated_since === undefined ? byTime('created_at') : BY_UPDATE,
  };
}

export const listProducts: Handler<'listProducts'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const body = await fetchJson<components['schemas']['Product']>(ctx.db, productsList(ctx.principal.orgId, req.query), { limit, offset });
  return { status: 200, body };
};
