import type { Handler } from '../../src/handler';

const LIST_SQL = `
  SELECT id, actor_type, actor_id, action, target_type, target_id, host(ip) AS ip, metadata, created_at,
         count(*) OVER () AS total
    FROM audit_events
   WHERE org_id = $1
     AND ($2::text IS NULL OR action = $2)
     AND ($3::text IS NULL OR actor_type = $3)
     AND ($4::timestamptz IS NULL OR created_at >= $4)
     AND ($5::timestamptz IS NULL OR created_at < $5)
   ORDER BY created_at DESC, id DESC
   LIMIT $6 OFFSET $7`;

const COUNT_SQL = `
  SELECT count(*) AS n FROM audit_events
   WHERE org_id = $1
     AND ($2::text IS NULL OR action = $2)
     AND ($3::text IS NULL OR actor_type = $3)
     AND ($4::timestamptz IS NULL OR created_at >= $4)
     AND ($5::timestamptz IS NULL OR created_at < $5)`;

async function countEvents(ctx: Parameters<Handler<'listAuditEvents'>>[0], filters: unknown[]): Promise<number> {
  const { rows } = await ctx.db.query(COUNT_SQL, [ctx.principal!.orgId, ...filters]);
  return rows[0].n;
}

export const listAuditEvents: Handler<'listAuditEvents'> = async (ctx, req) => {
  const { action = null, actor_type = null, since = null, until = null, limit = 50, offset = 0 } = req.query;
  const { rows } = await ctx.db.query(LIST_SQL, [ctx.principal!.orgId, action, actor_type, since, until, limit, offset]);
  return {
    status: 200,
    body: {
      items: rows.map(({ total: _total, created_at, ...r }) => ({ ...r, created_at: created_at.toISOString() })),
      // Past the last page there is no row to carry count(*) OVER (): count separately.
      total: rows[0]?.total ?? (offset > 0 ? await countEvents(ctx, [action, actor_type, since, until]) : 0),
      limit,
      offset,
    },
  };
};
