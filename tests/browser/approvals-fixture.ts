// The approvals page's world, written straight to the database (migration 13's approval_requests;
// the patch through ops-factories): what the gate of an execute would have left — a patch with a
// dry-run of its current content, waiting for approval — without running a target database.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { insertPatchRow } from '../helpers/ops-factories';

export interface Sample {
  pk: Record<string, unknown>;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** A patch in `pending_approval` with a dry-run of its current content (count and samples). */
export async function insertDryRunPatch(
  db: pg.Pool,
  at: { orgId: string; projectId: string; connectionId: string; createdBy: string },
  patch: Parameters<typeof insertPatchRow>[4] & { affectedRows: number; samples: Sample[] },
) {
  const { affectedRows, samples, ...opts } = patch;
  const row = await insertPatchRow(db, at.orgId, at.projectId, at.connectionId, { ...opts, status: 'pending_approval', createdBy: at.createdBy });
  const lastDryRun = { run_id: randomUUID(), content_hash: row.content_hash, affected_rows: affectedRows, samples, at: new Date().toISOString() };
  await db.query('UPDATE patches SET last_dry_run = $2 WHERE id = $1', [row.id, JSON.stringify(lastDryRun)]);
  return { ...row, affected_rows: affectedRows };
}

/** A pending request to execute the patch, opened by a user, bound to the patch's content hash. */
export async function insertApprovalRow(
  db: pg.Pool,
  at: { orgId: string; projectId: string },
  opts: {
    patch: { id: string; content_hash: string };
    requestedBy: string;
    environment?: 'development' | 'staging' | 'production';
    affectedRows?: number | null;
    requiredApprovals?: number;
    approverRoles?: string[];
  },
) {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO approval_requests (org_id, project_id, action, subject_type, subject_id, patch_id, subject_hash, environment, affected_rows,
                                    requested_by_type, requested_by_id, required_approvals, approver_roles)
     VALUES ($1, $2, 'patch.execute', 'patch', $3, $3, $4, $5, $6, 'user', $7, $8, $9) RETURNING id`,
    [at.orgId, at.projectId, opts.patch.id, opts.patch.content_hash, opts.environment ?? 'production', opts.affectedRows ?? null,
      opts.requestedBy, opts.requiredApprovals ?? 1, opts.approverRoles ?? ['owner', 'admin']],
  );
  return rows[0];
}
