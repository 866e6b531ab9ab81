import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { supersedeApprovals } from './approvals/approval-store';
import { quoteTable } from './patches/engine';
import { PATCH_COLUMNS, patchJson, type PatchRow } from './patches/patch-json';
import { canonicalOrBadRequest, findPatch } from './patches/patch-store';
import { requireProjectPermission } from './permissions';

/**
 * Statuses a patch can be edited in: a draft, one waiting for (or holding) an approval of its
 * content, or one whose execute failed having changed nothing (it becomes a draft again).
 */
const EDITABLE: readonly string[] = ['draft', 'failed', 'pending_approval', 'approved'];

/**
 * Changes a patch not yet run: the merged patch is checked again as a whole, and its hash
 * recomputed. A new hash supersedes the approvals of the old content and returns the patch to
 * `draft`; a change that keeps the hash (a rename) keeps them.
 */
export const updatePatch: Handler<'updatePatch'> = async (ctx, req) => {
  const b = req.body;
  const row = await withTransaction(ctx.db, async (tx) => {
    const before = await findPatch(tx, ctx.principal, req.params.id, { forUpdate: true });
    await requireProjectPermission(tx, ctx.principal, before.project_id, 'patches.write');
    if (!EDITABLE.includes(before.status)) throw new ApiError('CONFLICT', `Only a patch not yet executed can be changed; this one is ${before.status}`);
    const operation = b.operation ?? before.operation;
    // A switch to delete drops the old values unless new ones are given (which the engine refuses).
    const set = b.set !== undefined ? b.set : operation === 'delete' ? undefined : before.set_values;
    const { patch, hash } = await canonicalOrBadRequest({
      connection_id: before.connection_id,
      // Always quoted: a stored name that is a keyword (a schema called "select") parses back as itself.
      table: b.table ?? quoteTable({ schema: before.table_schema, name: before.table_name }),
      operation,
      set,
      where: b.where ?? before.where_input,
      allow_all_rows: b.allow_all_rows ?? before.allow_all_rows,
      max_rows: b.max_rows ?? before.max_rows,
      expected_rows: b.expected_rows !== undefined ? b.expected_rows : before.expected_rows,
    });
    const { rows } = await tx.query<PatchRow>(
      `UPDATE patches SET name = $2, table_schema = $3, table_name = $4, operation = $5, set_values = $6, where_input = $7, where_sql = $8,
                          allow_all_rows = $9, max_rows = $10, expected_rows = $11, content_hash = $12,
                          status = CASE WHEN content_hash = $12 AND status <> 'failed' THEN status ELSE 'draft' END
        WHERE id = $1 RETURNING ${PATCH_COLUMNS}`,
      [before.id, b.name ?? before.name, patch.table.schema, patch.table.name, patch.operation, JSON.stringify(patch.set),
        b.where ?? before.where_input, patch.where, patch.allowAllRows, patch.maxRows, patch.expectedRows, hash],
    );
    const superseded = await supersedeApprovals(tx, before.org_id, 'patch', before.id, hash);
    await recordAudit(tx, ctx, {
      orgId: ctx.principal.orgId,
      action: 'patch.updated',
      targetType: 'patch',
      targetId: before.id,
      metadata: {
        project_id: before.project_id, changed: Object.keys(b), content_hash: hash, previous_content_hash: before.content_hash,
        ...(superseded > 0 ? { superseded_approvals: superseded } : {}),
      },
    });
    return rows[0];
  });
  return { status: 200, body: patchJson(row) };
};
