import { fetchList, listStatement } from '../../src/db/list-page';
import type { components } from '../../generated/openapi-types';
import type { Handler } from '../../src/handler';

const LIST = listStatement({
  from: 'audit_events',
  where: `org_id = $1
    AND ($2::text IS NULL OR action = $2)
    AND ($3::text IS NULL OR actor_type = $3)
    AND ($4::timestamptz IS NULL OR created_at >= $4)
    AND ($5::timestamptz IS NULL OR created_at < $5)`,
  columns: 'id, actor_type, actor_id, action, target_type, target_id, host(ip) AS ip, metadata, created_at',
  orderBy: 'created_at DESC, id DESC',
});

type AuditRow = Omit<components['schemas']['AuditEvent'], 'created_at'> & { created_at: Date };

export const listAuditEvents: Handler<'listAuditEvents'> = async (ctx, req) => {
  const { action = null, actor_type = null, since = null, until = null, limit = 50, offset = 0 } = req.query;
  const filter = [ctx.principal!.orgId, action, actor_type, since, until];
  const { rows, ...page } = await fetchList<AuditRow>(ctx.db, LIST, filter, { limit, offset });
  const items = rows.map(({ created_at, ...r }) => ({ ...r, created_at: created_at.toISOString() }));
  return { status: 200, body: { items, ...page } };
};
