import type { components, operations } from '../../generated/openapi-types';
import { byTime, fetchRows, type RowList } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';

const COLUMNS = 'id, actor_type, actor_id, action, target_type, target_id, host(ip) AS ip, metadata, created_at';

type AuditQuery = NonNullable<operations['listAuditEvents']['parameters']['query']>;
type AuditRow = Omit<components['schemas']['AuditEvent'], 'created_at'> & { created_at: Date };

/** An RFC 3339 instant in microseconds (what PostgreSQL keeps): Date.parse alone stops at milliseconds. */
function micros(instant: string): number {
  const fraction = /\.(\d+)/.exec(instant)?.[1] ?? '';
  return Date.parse(instant) * 1000 + Number(fraction.slice(3, 6).padEnd(3, '0'));
}

/** The list for one organisation and one set of filters (the statement the handler runs). Append-only and long: walked by keyset as well as by offset. */
export function auditEventsList(orgId: string, q: AuditQuery): RowList & { keyset: true } {
  return {
    from: 'audit_events',
    columns: COLUMNS,
    where: [
      sql`org_id = ${orgId}`,
      q.action !== undefined && sql`action = ${q.action}`,
      q.actor_type !== undefined && sql`actor_type = ${q.actor_type}`,
      q.since !== undefined && sql`created_at >= ${q.since}`,
      q.until !== undefined && sql`created_at < ${q.until}`,
    ],
    order: byTime('created_at', true),
    keyset: true,
  };
}

export const listAuditEvents: Handler<'listAuditEvents'> = async (ctx, req) => {
  const { since, until, limit = 50, offset = 0, cursor } = req.query;
  if (since !== undefined && until !== undefined && micros(since) > micros(until)) {
    throw new ApiError('VALIDATION_ERROR', `since (${since}) is after until (${until})`, {
      details: [
        { loc: ['query', 'since'], msg: 'must not be after until', type: 'range' },
        { loc: ['query', 'until'], msg: 'must not be before since', type: 'range' },
      ],
    });
  }
  const { items, ...page } = await fetchRows<AuditRow>(ctx.db, auditEventsList(ctx.principal.orgId, req.query), { limit, offset, cursor });
  return { status: 200, body: { items: items.map(({ created_at, ...r }) => ({ ...r, created_at: created_at.toISOString() })), ...page } };
};
