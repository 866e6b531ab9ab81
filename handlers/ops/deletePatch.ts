import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { findPatch, RUN_STATUSES } from './patches/patch-store';
import { requireProjectPermission } from './permissions';
import { activeRunsOn } from './runs/run-store';

/** What keeps a patch: an execution (its row images are the only copy of overwritten data), or a run still working on it. */
const EXECUTIONS = 'SELECT count(*)::int AS n FROM patch_executions WHERE org_id = $1 AND patch_id = $2';

export const deletePatch: Handler<'deletePatch'> = async (ctx, req) => {
  await withTransaction(ctx.db, async (tx) => {
    const patch = await findPatch(tx, ctx.principal, req.params.id, { forUpdate: true });
    await requireProjectPermission(tx, ctx.principal, patch.project_id, 'patches.write');
    const { rows } = await tx.query<{ n: number }>(EXECUTIONS, [ctx.principal.orgId, patch.id]);
    if (RUN_STATUSES.includes(patch.status) || rows[0].n > 0)
      throw new ApiError('CONFLICT', `The patch was executed (${patch.status}); its record and row images are kept`);
    const active = await activeRunsOn(tx, ctx.principal.orgId, 'patch', patch.id);
    if (active > 0) throw new ApiError('CONFLICT', `The patch has ${active} active run(s); cancel them or wait for them to finish first`);
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
