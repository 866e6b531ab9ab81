import type { components } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';

export const listPromotions: Handler<'listPromotions'> = async (ctx, req) => {
  const { limit = 50, offset = 0, actif, updated_since } = req.query;
  const body = await fetchJson<components['schemas']['Promotion']>(
    ctx.db,
    {
      table: 'promotions',
      item: 'pos_promotion_json(p.r)',
      where: [
        sql`r.org_id = ${ctx.principal.orgId}`,
        actif !== undefined && sql`r.actif = ${actif}`,
        updated_since !== undefined && sql`r.updated_at >= ${updated_since}`,
      ],
      order: updated_since === undefined ? byTime('created_at') : BY_UPDATE,
    },
    { limit, offset },
  );
  return { status: 200, body };
};
