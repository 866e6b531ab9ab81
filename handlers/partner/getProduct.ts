import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchOne } from '../../src/db/fetch-one';

export const SQL = `SELECT partner_product_json(t) AS body FROM products t WHERE t.org_id = $1 AND t.id = $2`;

export const getProduct: Handler<'getProduct'> = async (ctx, req) => ({
  status: 200,
  body: await fetchOne<components['schemas']['Product']>(ctx.db, SQL, ctx.principal.orgId, req.params.id, 'Product'),
});
