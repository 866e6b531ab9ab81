// The approval gate: what an action on a project (executing or rolling back a patch, later
// migrations, bridges…) must pass before it runs. The project's approval policy decides whether
// the action needs approvals; the approval request is bound to the subject's content hash.
//
// PLACEHOLDER (lead, #18 foundation): nothing needs approval yet. The approvals work replaces the
// bodies; the signatures are the contract the execute/rollback handlers and executors build on.
import type pg from 'pg';
import type { Principal } from '../../../src/auth/principal';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export type GatedAction = 'patch.execute' | 'patch.rollback';

export interface GateSubject {
  action: GatedAction;
  projectId: string;
  /** Its environment picks the policy rule (development | staging | production). */
  connectionId: string;
  subjectType: 'patch';
  subjectId: string;
  /** The content the approvals are bound to: an approval of another hash is superseded. */
  subjectHash: string;
  /** The dry-run's count (policy rules may start at a number of rows); null when unknown. */
  affectedRows: number | null;
}

export type GateResult =
  /** The action may run: no approval needed, or the request granted (`approvalId`). */
  | { ok: true; approvalId: string | null }
  /**
   * It may not run yet. An approval request is open (opened now if none was, with its
   * `approval.requested` event, in the caller's transaction): the caller COMMITS and answers 409
   * APPROVAL_REQUIRED naming `approvalId`. `status` is the request's: `pending`, or `rejected`
   * (final: a new request only after the patch changes).
   */
  | { ok: false; approvalId: string; status: string };

/** Run inside the request's transaction, with the subject row locked. */
export async function passApprovalGate(_tx: Queryable, _principal: Principal, _subject: GateSubject): Promise<GateResult> {
  return { ok: true, approvalId: null };
}

/**
 * The run claim's re-check (the run may wait in the queue while the approval expires or the
 * subject changes): true when the action still needs no approval, or `approvalId` is still granted
 * for the same hash and has not expired.
 */
export async function stillApproved(_db: Queryable, _subject: GateSubject, _approvalId: string | null): Promise<boolean> {
  return true;
}
