import { recordAudit } from '../../src/audit';
import { withTransaction } from '../../src/db/transaction';
import { notFound } from '../../src/errors';
import type { Handler } from '../../src/handler';

export const deleteIdentityLink: Handler<'deleteIdentityLink'> = async (ctx, req) => {
  const orgId = ctx.principal.orgId;
  await withTransaction(ctx.db, async (tx) => {
    const { rows } = await tx.query('DELETE FROM identity_org_links WHERE id = $1 AND org_id = $2 RETURNING id, issuer, external_org_id', [req.params.id, orgId]);
    if (!rows[0]) throw notFound('Identity link');
    await recordAudit(tx, ctx, { orgId, action: 'identity_link.deleted', targetType: 'identity_link', targetId: rows[0].id, metadata: { issuer: rows[0].issuer, external_org_id: rows[0].external_org_id } });
  });
  return { status: 204, body: undefined };
};
