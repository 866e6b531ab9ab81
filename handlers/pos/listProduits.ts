import type { components, operations } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson, type JsonList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';

/** The list for one organisation and one set of filters (also what `make bench` queries). */
export function produitsList(orgId: string, q: NonNullable<operations['listProduits']['parameters']['query']>): JsonList {
  return {
    table: 'produits',
    item: 'pos_produit_json(p.r)',
    where: [
      sql`r.org_id = ${orgId}`,
      q.actif !== undefined && sql`r.actif = ${q.actif}`,
      q.updated_since !== undefined && sql`r.updated_at >= ${q.updated_since}`,
    ],
    order: q.updated_since === undefined ? byTime('created_at') : BY_UPDATE,
  };
}

export const listProduits: Handler<'listProduits'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const body = await fetchJson<components['schemas']['Produit']>(ctx.db, produitsList(ctx.principal.orgId, req.query), { limit, offset });
  return { status: 200, body };
};
