import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchOne } from '../../src/db/fetch-one';

export const SQL = `SELECT pos_famille_json(f) AS body FROM familles f WHERE f.org_id = $1 AND f.id = $2`;

export const getFamille: Handler<'getFamille'> = async (ctx, req) => ({
  status: 200,
  body: await fetchOne<components['schemas']['Famille']>(ctx.db, SQL, ctx.principal.orgId, req.params.id, 'Famille'),
});
