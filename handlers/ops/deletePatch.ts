import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { findPatch, RUN_STATUSES } from './patches/patch-store';
import { requireProjectPermission } from './permissions';

/** What keeps a patch: an execution (its row images are the only copy of overwritten data), or a run still working on it. */
const BLOCKERS = `SELECT (SELECT count(*)::int FROM patch_executions WHERE org_id = $1 AND patch_id = $2) AS executions,
  (SELECT count(*)::int FROM runs WHERE org_id = $1 AND subject_type = 'patch' AND subject_id = $2
     AND status IN ('queued', 'running', 'cancelling')) AS runs`;

export const deletePatch: Handler<'deletePatch'> = async (ctx, req) => {
  await withTransaction(ctx.db, async (tx) => {
    const patch = await findPatch(tx, ctx.principal, req.params.id, { forUpdate: true });
    await requireProjectPermission(tx, ctx.principal, patch.project_id, 'patches.write');
    const { rows } = await tx.query<{ executions: number; runs: number }>(BLOCKERS, [ctx.principal.orgId, patch.id]);
    if (RUN_STATUSES.includes(patch.status) || rows[0].executions > 0)
      throw new ApiError('CONFLICT', `The patch was executed (${patch.status}); its record and row images are kept`);
    if (rows[0].runs > 0) throw new ApiError('CONFLICT', `The patch has ${rows[0].runs} active run(s); cancel them or wait for them to finish first`);
    await tx.query('DELETE FROM patches WHERE id = $1', [patch.id]);
    await recordAudit(tx, ctx, {
      orgId: ctx.principal.orgId,
      action: 'patch.deleted',
      targetType: 'patch',
      targetId: patch.id,
      metadata: { project_id: patch.project_id, name: patch.name, content_hash: patch.content_hash },
    });
  });
  return { status: 204, body: undefined };
};
