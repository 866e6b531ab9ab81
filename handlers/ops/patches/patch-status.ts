// The patch's status follows its executions: one SQL function decides it (ops_patch_settle in
// sql/functions/ops/patches.sql) and publishes patch.executed / patch.rolled_back on the
// transition, so the run executors and the reconcile after a lost worker always agree.
import type pg from 'pg';
import type { GatedAction, GateSubject } from '../approvals/gate';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export async function settlePatchStatus(db: Queryable, patchId: string): Promise<string | null> {
  const { rows } = await db.query<{ status: string | null }>('SELECT ops_patch_settle($1) AS status', [patchId]);
  return rows[0].status;
}

/** The patch columns the approval gate's subject is made of. */
export interface GatedPatchRow {
  id: string;
  project_id: string;
  connection_id: string;
  content_hash: string;
}

/** The approval gate's subject for a patch: one shape for the request and the run's re-check. */
export function patchGateSubject(p: GatedPatchRow, action: GatedAction, affectedRows: number | null): GateSubject {
  return { action, projectId: p.project_id, connectionId: p.connection_id, subjectType: 'patch', subjectId: p.id, subjectHash: p.content_hash, affectedRows };
}

/**
 * The subject for a stored patch, as a run re-checks it. `affectedRows` defaults to the last
 * dry-run's count (execute); a rollback passes its execution's.
 */
export async function gateSubjectOf(db: Queryable, patchId: string, action: GatedAction, affectedRows?: number | null): Promise<GateSubject> {
  const { rows } = await db.query<GatedPatchRow & { dry_rows: number | null }>(
    `SELECT id, project_id, connection_id, content_hash, (last_dry_run->>'affected_rows')::int AS dry_rows FROM patches WHERE id = $1`,
    [patchId],
  );
  return patchGateSubject(rows[0], action, affectedRows === undefined ? rows[0].dry_rows : affectedRows);
}
