// Approval requests as the API shows them (ops_approval_json, sql/functions/ops/approvals.sql — the
// approval.* events' renderer too), looked up within the organisation and the caller's projects.
import type pg from 'pg';
import type { components } from '../../../generated/openapi-types';
import type { Principal } from '../../../src/auth/principal';
import { notFound } from '../../../src/errors';
import { reachableProjects } from '../permissions';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;
export type ApprovalJson = components['schemas']['Approval'];
export type ApprovalStatus = components['schemas']['ApprovalStatus'];

export interface ApprovalRow {
  id: string;
  org_id: string;
  project_id: string;
  action: 'patch.execute' | 'patch.rollback';
  subject_type: 'patch';
  subject_id: string;
  subject_hash: string;
  status: ApprovalStatus;
  required_approvals: number;
  approver_roles: string[];
  requested_by_type: 'user' | 'api_key';
  requested_by_id: string | null;
  /** expires_at has passed (by the database's clock). */
  expired: boolean;
}

const COLUMNS = `a.id, a.org_id, a.project_id, a.action, a.subject_type, a.subject_id, a.subject_hash, a.status, a.required_approvals,
  a.approver_roles, a.requested_by_type, a.requested_by_id, a.expires_at <= now() AS expired`;

/** The request, or 404 when it is not in the caller's reach. */
export async function findApproval(db: Queryable, principal: Principal, id: string, opts: { forUpdate?: boolean } = {}): Promise<ApprovalRow> {
  const reach = reachableProjects(principal, 'a.project_id', 3);
  const { rows } = await db.query<ApprovalRow>(
    `SELECT ${COLUMNS} FROM approval_requests a WHERE a.id = $1 AND a.org_id = $2 AND ${reach.sql}${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id, principal.orgId, ...reach.params],
  );
  if (!rows[0]) throw notFound('Approval request');
  return rows[0];
}

export async function approvalJson(db: Queryable, orgId: string, id: string): Promise<ApprovalJson> {
  const { rows } = await db.query<{ json: ApprovalJson }>('SELECT ops_approval_by_id($1, $2) AS json', [orgId, id]);
  return rows[0].json;
}

/** Publishes approval.requested / approval.decided to the project's endpoints (rendered at commit). */
export async function publishApprovalEvent(db: Queryable, row: Pick<ApprovalRow, 'org_id' | 'project_id' | 'id'>, type: 'approval.requested' | 'approval.decided'): Promise<void> {
  await db.query(`SELECT webhook_publish_project($1, $2, $3, jsonb_build_object('id', $4::uuid))`, [row.org_id, row.project_id, type, row.id]);
}

/**
 * A subject's content changed: its open and granted requests no longer apply (they were for other
 * content). Run in the transaction that changes it, with the subject locked. Returns how many.
 */
export async function supersedeApprovals(db: Queryable, orgId: string, subjectType: 'patch', subjectId: string, currentHash: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE approval_requests SET status = 'superseded'
      WHERE org_id = $1 AND subject_type = $2 AND subject_id = $3 AND status IN ('pending', 'approved') AND subject_hash <> $4`,
    [orgId, subjectType, subjectId, currentHash],
  );
  return rowCount ?? 0;
}
