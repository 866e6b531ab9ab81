import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchOne } from '../../src/db/fetch-one';

export const SQL = `SELECT pos_client_json(c) AS body FROM clients c WHERE c.org_id = $1 AND c.id = $2`;

export const getClient: Handler<'getClient'> = async (ctx, req) => ({
  status: 200,
  body: await fetchOne<components['schemas']['Client']>(ctx.db, SQL, ctx.principal.orgId, req.params.id, 'Client'),
});
