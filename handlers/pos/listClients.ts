import type { components } from '../../generated/openapi-types';
import { BY_UPDATE, byTime, fetchJson } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';

// No filter or order on email or telephone: a masked value must not be discoverable by probing.
export const listClients: Handler<'listClients'> = async (ctx, req) => {
  const { limit = 50, offset = 0, updated_since } = req.query;
  const body = await fetchJson<components['schemas']['Client']>(
    ctx.db,
    {
      table: 'clients',
      item: 'pos_client_json(p.r)',
      where: [sql`r.org_id = ${ctx.principal.orgId}`, updated_since !== undefined && sql`r.updated_at >= ${updated_since}`],
      order: updated_since === undefined ? byTime('created_at') : BY_UPDATE,
    },
    { limit, offset },
  );
  return { status: 200, body };
};
