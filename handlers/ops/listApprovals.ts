import { byTime, fetchJson } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import type { ApprovalJson } from './approvals/approval-store';
import { reachableFragment } from './runs/run-store';

/** Newest first, by keyset or offset; only the projects the caller reaches (every project role reads approvals). */
export const listApprovals: Handler<'listApprovals'> = async (ctx, req) => {
  const { limit = 50, offset = 0, cursor, project_id, status, subject_id } = req.query;
  const list = {
    table: 'approval_requests',
    item: 'ops_approval_json(p.r)',
    where: [
      sql`r.org_id = ${ctx.principal.orgId}`,
      reachableFragment(ctx.principal, 'r.project_id'),
      project_id !== undefined && sql`r.project_id = ${project_id}`,
      status !== undefined && sql`r.status = ${status}`,
      subject_id !== undefined && sql`r.subject_id = ${subject_id}`,
    ],
    order: byTime('created_at', true),
    keyset: true as const,
  };
  const body = await fetchJson<ApprovalJson>(ctx.db, list, { limit, offset, cursor });
  return { status: 200, body };
};
