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

/** The approval gate's subject for a stored patch (the run's re-check builds it like the request did). */
export async function gateSubjectOf(db: Queryable, patchId: string, action: GatedAction, affectedRows: number | null): Promise<GateSubject> {
  const { rows } = await db.query<{ project_id: string; connection_id: string; content_hash: string }>(
    'SELECT project_id, connection_id, content_hash FROM patches WHERE id = $1',
    [patchId],
  );
  const p = rows[0];
  return { action, projectId: p.project_id, connectionId: p.connection_id, subjectType: 'patch', subjectId: patchId, subjectHash: p.content_hash, affectedRows };
}
