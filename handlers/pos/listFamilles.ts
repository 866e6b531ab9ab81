import type { components } from '../../generated/openapi-types';
import { BY_UPDATE, fetchJson, type Order } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';

const BY_POSITION: Order = { keys: [{ column: 'position', type: 'bigint' }, { column: 'id', type: 'uuid' }] };

export const listFamilles: Handler<'listFamilles'> = async (ctx, req) => {
  const { limit = 50, offset = 0, updated_since } = req.query;
  const body = await fetchJson<components['schemas']['Famille']>(
    ctx.db,
    {
      table: 'familles',
      item: 'pos_famille_json(p.r)',
      where: [sql`r.org_id = ${ctx.principal.orgId}`, updated_since !== undefined && sql`r.updated_at >= ${updated_since}`],
      order: updated_since === undefined ? BY_POSITION : BY_UPDATE,
    },
    { limit, offset },
  );
  return { status: 200, body };
};
