// The approvals page's world, written straight to the database (with ops-factories' patch and
// approval rows): what the gate of an execute would have left — a patch with a dry-run of its
// current content, waiting for approval — without running a target database.
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
