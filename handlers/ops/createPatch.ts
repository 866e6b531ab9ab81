import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import type { Handler } from '../../src/handler';
import { findConnection } from './connection-store';
import { PATCH_COLUMNS, patchJson, type PatchRow } from './patches/patch-json';
import { canonicalOrBadRequest } from './patches/patch-store';
import { requireProjectPermission } from './permissions';

/** A draft patch, checked by the engine (no target needed) and stored in canonical form with its hash. */
export const createPatch: Handler<'createPatch'> = async (ctx, req) => {
  const b = req.body;
  const conn = await findConnection(ctx.db, ctx.principal, b.connection_id);
  await requireProjectPermission(ctx.db, ctx.principal, conn.project_id, 'patches.write');
  const { patch, hash } = await canonicalOrBadRequest({ ...b, set: b.set ?? undefined });
  const id = randomUUID();
  const row = await withTransaction(ctx.db, async (tx) => {
    // The connection may have been deleted or moved since it was read: the insert's foreign key and
    // this lock keep the patch in the connection's project.
    await findConnection(tx, ctx.principal, conn.id, { forUpdate: true });
    const { rows } = await tx.query<PatchRow>(
      `INSERT INTO patches (id, org_id, project_id, connection_id, name, table_schema, table_name, operation, set_values, where_input,
                            where_sql, allow_all_rows, max_rows, expected_rows, content_hash, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING ${PATCH_COLUMNS}`,
      [id, ctx.principal.orgId, conn.project_id, conn.id, b.name, patch.table.schema, patch.table.name, patch.operation, JSON.stringify(patch.set),
        b.where ?? '', patch.where, patch.allowAllRows, patch.maxRows, patch.expectedRows, hash, ctx.principal.kind === 'user' ? ctx.principal.userId : null],
    );
    await recordAudit(tx, ctx, {
      orgId: ctx.principal.orgId,
      action: 'patch.created',
      targetType: 'patch',
      targetId: id,
      metadata: { project_id: conn.project_id, connection_id: conn.id, name: b.name, content_hash: hash },
    });
    return rows[0];
  });
  return { status: 201, body: patchJson(row) };
};
