import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchOne } from '../../src/db/fetch-one';

export const SQL = `SELECT pos_produit_json(p) AS body FROM produits p WHERE p.org_id = $1 AND p.id = $2`;

export const getProduit: Handler<'getProduit'> = async (ctx, req) => ({
  status: 200,
  body: await fetchOne<components['schemas']['Produit']>(ctx.db, SQL, ctx.principal.orgId, req.params.id, 'Produit'),
});
