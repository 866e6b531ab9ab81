// The request side of executePatch and rollbackPatch: one transaction, the patch row locked, in
// this order — an Idempotency-Key already answered replays its answer; then the operation's own
// checks (409, 412); then the approval gate; then the run is queued. A gate refusal COMMITS (the
// gate may have opened an approval request) without using up the key, then answers 409
// APPROVAL_REQUIRED naming the approval: the same request, retried once approved, goes through.
import type pg from 'pg';
import type { Principal } from '../../../src/auth/principal';
import { actorOf } from '../../../src/auth/principal';
import { recordAudit } from '../../../src/audit';
import { withTransaction } from '../../../src/db/transaction';
import { ApiError } from '../../../src/errors';
import type { SecuredCtx } from '../../../src/handler';
import { idempotently, principalRef, requestHash, type KeptAnswer } from '../../../src/runs/idempotency';
import { enqueueRun } from '../../../src/runs/store';
import { passApprovalGate, type GatedAction, type GateResult } from '../approvals/gate';
import { requireProjectPermission } from '../permissions';
import { findRun, runLocation, type RunJson } from '../runs/run-store';
import type { PatchRow } from './patch-json';
import { findPatch } from './patch-store';
import { patchGateSubject } from './patch-status';

export interface PatchRunRequest {
  operationId: 'executePatch' | 'rollbackPatch';
  kind: 'patch.execute' | 'patch.rollback';
  patchId: string;
  idempotencyKey: string | undefined;
  /** What the request hash covers besides the path (the body). */
  body: unknown;
  /** The gated action, or null when no approval applies (a rollback's dry-run). */
  action: GatedAction | null;
  /** The operation's checks on the locked patch (throws 409/412); returns what the gate and the run need. */
  check(tx: pg.PoolClient, patch: PatchRow): Promise<{ affectedRows: number | null; params: Record<string, unknown> }>;
  /** In the transaction that queues the run (e.g. the patch becomes `executing`). */
  onQueued?(tx: pg.PoolClient, patch: PatchRow): Promise<void>;
}

type Refused = Extract<GateResult, { ok: false }>;

const approvalRequired = (g: Refused) =>
  new ApiError('APPROVAL_REQUIRED', `The action needs approval: approval request ${g.approvalId} is ${g.status}; nothing ran`, {
    details: [{ loc: ['approval_id'], msg: g.approvalId, type: `approval_${g.status}` }],
  });

async function keyAnswered(tx: pg.PoolClient, principal: Principal, key: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    'SELECT 1 FROM idempotency_keys WHERE org_id = $1 AND principal_ref = $2 AND key = $3 AND expires_at > now()',
    [principal.orgId, principalRef(principal), key],
  );
  return rowCount !== 0;
}

export async function startPatchRun(ctx: SecuredCtx, r: PatchRunRequest): Promise<{ status: 202; body: RunJson; headers: Record<string, string> }> {
  const { principal } = ctx;
  const patch = await findPatch(ctx.db, principal, r.patchId);
  await requireProjectPermission(ctx.db, principal, patch.project_id, 'patches.execute');
  const idem = { principal, key: r.idempotencyKey, operationId: r.operationId, hash: requestHash(r.operationId, { params: { id: r.patchId }, body: r.body }) };

  const outcome = await withTransaction(ctx.db, async (tx): Promise<{ kept: KeptAnswer } | { refused: Refused }> => {
    const locked = await findPatch(tx, principal, patch.id, { forUpdate: true });
    const gate = async (): Promise<GateResult & { params: Record<string, unknown> }> => {
      const { affectedRows, params } = await r.check(tx, locked);
      if (!r.action) return { ok: true, approvalId: null, params };
      return { ...(await passApprovalGate(tx, principal, patchGateSubject(locked, r.action, affectedRows))), params };
    };
    const start = async (g: { approvalId: string | null; params: Record<string, unknown> }) => {
      await r.onQueued?.(tx, locked);
      const runId = await enqueueRun(tx, {
        orgId: principal.orgId, projectId: locked.project_id, kind: r.kind, subjectType: 'patch', subjectId: locked.id,
        params: { ...g.params, approval_id: g.approvalId }, actor: actorOf(principal),
      });
      await recordAudit(tx, ctx, {
        orgId: principal.orgId, action: `${r.kind}_requested`, targetType: 'patch', targetId: locked.id,
        metadata: { project_id: locked.project_id, run_id: runId, content_hash: locked.content_hash, approval_id: g.approvalId },
      });
      return { status: 202, body: (await findRun(tx, principal, runId)).json, runId };
    };

    // A key that already answered: its answer (or 409 for another request), before any check — a
    // retried execute must replay its 202 even though the patch is `executing` by now.
    if (r.idempotencyKey !== undefined && (await keyAnswered(tx, principal, r.idempotencyKey)))
      return {
        kept: await idempotently(tx, idem, async () => {
          const g = await gate();
          if (!g.ok) throw approvalRequired(g);
          return start(g);
        }),
      };
    const g = await gate();
    if (!g.ok) {
      // The refusal commits (the request stays open for the approvers): who asked is audited with it.
      if (g.opened)
        await recordAudit(tx, ctx, {
          orgId: principal.orgId, action: 'approval.requested', targetType: 'approval', targetId: g.approvalId,
          metadata: { project_id: locked.project_id, action: r.action, subject_type: 'patch', subject_id: locked.id, subject_hash: locked.content_hash },
        });
      return { refused: g };
    }
    return { kept: await idempotently(tx, idem, () => start(g)) };
  });

  if ('refused' in outcome) throw approvalRequired(outcome.refused);
  const body = outcome.kept.body as RunJson;
  return { status: 202, body, headers: { Location: runLocation(body.id), ...(outcome.kept.replayed ? { 'Idempotent-Replayed': 'true' } : {}) } };
}
