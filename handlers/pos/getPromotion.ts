import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchOne } from '../../src/db/fetch-one';

const SQL = `SELECT pos_promotion_json(p) AS body FROM promotions p WHERE p.org_id = $1 AND p.id = $2`;

export const getPromotion: Handler<'getPromotion'> = async (ctx, req) => ({
  status: 200,
  body: await fetchOne<components['schemas']['Promotion']>(ctx.db, SQL, ctx.principal.orgId, req.params.id, 'Promotion'),
});
