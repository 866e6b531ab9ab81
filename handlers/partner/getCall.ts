import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';
import { fetchOne } from '../../src/db/fetch-one';

export const SQL = `SELECT partner_call_json(t) AS body FROM calls t WHERE t.org_id = $1 AND t.id = $2`;

export const getCall: Handler<'getCall'> = async (ctx, req) => ({
  status: 200,
  body: await fetchOne<components['schemas']['Call']>(ctx.db, SQL, ctx.principal.orgId, req.params.id, 'Call'),
});
