// The approval gate: what an action on a project (executing or rolling back a patch, later
// migrations, bridges…) must pass before it runs. The project's approval policy decides whether
// the action needs approvals; the approval request is bound to the subject's content hash.
//
// The signatures are the contract the execute/rollback handlers and executors build on.
import type pg from 'pg';
import { actorOf, type Principal } from '../../../src/auth/principal';
import { publishApprovalEvent } from './approval-store';
import { loadPolicy, matchRule, type Environment, type PolicyRule } from './policy';

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
  | { ok: false; approvalId: string; status: string; /** Opened by this call (the caller audits it). */ opened: boolean };

/** The rule that applies to the subject now (its connection's environment, the project's policy), or null. */
async function ruleFor(db: Queryable, orgId: string, subject: GateSubject): Promise<{ rule: PolicyRule | null; environment: Environment }> {
  const { rows } = await db.query<{ environment: Environment }>(
    'SELECT environment FROM connections WHERE org_id = $1 AND id = $2 AND project_id = $3',
    [orgId, subject.connectionId, subject.projectId],
  );
  // A connection gone or moved cannot be judged: the strictest answer is the production one.
  const environment = rows[0]?.environment ?? 'production';
  const policy = await loadPolicy(db, orgId, subject.projectId);
  return { rule: matchRule(policy.rules, subject.action, environment, subject.affectedRows), environment };
}

async function orgOfProject(db: Queryable, projectId: string): Promise<string | null> {
  const { rows } = await db.query<{ org_id: string }>('SELECT org_id FROM projects WHERE id = $1', [projectId]);
  return rows[0]?.org_id ?? null;
}

interface LiveRequest { id: string; status: 'pending' | 'approved' | 'rejected'; subject_hash: string; expired: boolean }

/**
 * Run inside the request's transaction, with the subject row locked (the lock orders concurrent
 * attempts; the partial unique index keeps one pending request per subject and action anyway).
 */
export async function passApprovalGate(tx: Queryable, principal: Principal, subject: GateSubject): Promise<GateResult> {
  const orgId = principal.orgId;
  const { rule, environment } = await ruleFor(tx, orgId, subject);
  if (rule === null) return { ok: true, approvalId: null };

  const { rows } = await tx.query<LiveRequest>(
    `SELECT id, status, subject_hash, expires_at <= now() AS expired FROM approval_requests
      WHERE org_id = $1 AND subject_type = $2 AND subject_id = $3 AND action = $4 AND status IN ('pending', 'approved', 'rejected')
      ORDER BY created_at DESC, id DESC FOR UPDATE`,
    [orgId, subject.subjectType, subject.subjectId, subject.action],
  );
  const retire = (id: string, status: 'superseded' | 'expired') =>
    tx.query('UPDATE approval_requests SET status = $2 WHERE id = $1', [id, status]);
  let current: LiveRequest | null = null;
  for (const r of rows) {
    if (r.subject_hash !== subject.subjectHash) {
      // Granted or asked for other content: it no longer applies. A rejection stays as it was decided.
      if (r.status !== 'rejected') await retire(r.id, 'superseded');
    } else if (r.status === 'rejected') {
      current ??= r; // final for this content, however old
    } else if (r.expired) {
      await retire(r.id, 'expired');
    } else {
      current ??= r;
    }
  }
  if (current?.status === 'approved') return { ok: true, approvalId: current.id };
  if (current) return { ok: false, approvalId: current.id, status: current.status, opened: false };

  const actor = actorOf(principal);
  const inserted = await tx.query<{ id: string; org_id: string; project_id: string }>(
    `INSERT INTO approval_requests (org_id, project_id, action, subject_type, subject_id, patch_id, subject_hash, environment, affected_rows,
                                    requested_by_type, requested_by_id, requested_by_metadata, required_approvals, approver_roles)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $4 = 'patch' THEN $5::uuid END, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (subject_type, subject_id, action) WHERE status = 'pending' DO NOTHING
     RETURNING id, org_id, project_id`,
    [orgId, subject.projectId, subject.action, subject.subjectType, subject.subjectId, subject.subjectHash, environment, subject.affectedRows,
      actor.type, actor.id, actor.metadata ?? {}, rule.required_approvals, rule.approver_roles],
  );
  if (!inserted.rows[0]) {
    // Another attempt opened it between our read and insert (a caller that did not lock the subject).
    const open = await tx.query<{ id: string }>(
      `SELECT id FROM approval_requests WHERE subject_type = $1 AND subject_id = $2 AND action = $3 AND status = 'pending'`,
      [subject.subjectType, subject.subjectId, subject.action],
    );
    return { ok: false, approvalId: open.rows[0].id, status: 'pending', opened: false };
  }
  await publishApprovalEvent(tx, inserted.rows[0], 'approval.requested');
  // Executing waits for approval; a rollback's patch stays `executed` (its status says what the target holds).
  if (subject.subjectType === 'patch' && subject.action === 'patch.execute') {
    await tx.query(
      `UPDATE patches SET status = 'pending_approval' WHERE org_id = $1 AND id = $2 AND status IN ('draft', 'ready', 'approved')`,
      [orgId, subject.subjectId],
    );
  }
  return { ok: false, approvalId: inserted.rows[0].id, status: 'pending', opened: true };
}

/**
 * The run claim's re-check (the run may wait in the queue while the approval expires or the
 * subject changes): true when the action still needs no approval, or `approvalId` is still granted
 * for the same hash and has not expired.
 */
export async function stillApproved(db: Queryable, subject: GateSubject, approvalId: string | null): Promise<boolean> {
  // The worker has no principal: the organisation is the project's.
  const orgId = await orgOfProject(db, subject.projectId);
  if (orgId === null) return false;
  if ((await ruleFor(db, orgId, subject)).rule === null) return true;
  if (approvalId === null) return false;
  const { rows } = await db.query<{ ok: boolean }>(
    `SELECT status = 'approved' AND subject_hash = $5 AND expires_at > now() AS ok FROM approval_requests
      WHERE id = $1 AND org_id = $2 AND subject_id = $3 AND action = $4`,
    [approvalId, orgId, subject.subjectId, subject.action, subject.subjectHash],
  );
  return rows[0]?.ok === true;
}
