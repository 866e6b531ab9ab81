// Identity-provider organisation links (README "Sign in with an identity provider (JWT)"), shared
// by the identity-links operations and the admin CLI: the row and its audit event, in the
// caller's transaction. A duplicate (issuer, external organisation) is a 23505 → 409.
import type pg from 'pg';
import { recordAudit } from '../../src/audit';
import type { Ctx } from '../../src/handler';

export const IDENTITY_LINK_COLUMNS = 'id, issuer, external_org_id, created_at';

export interface IdentityLinkRow {
  id: string;
  issuer: string;
  external_org_id: string;
  created_at: Date;
}

export const identityLinkJson = (r: IdentityLinkRow) => ({ id: r.id, issuer: r.issuer, external_org_id: r.external_org_id, created_at: r.created_at.toISOString() });

export async function insertIdentityLink(tx: pg.PoolClient, ctx: Ctx | null, l: { orgId: string; issuer: string; externalOrgId: string; via?: string }): Promise<IdentityLinkRow> {
  const { rows } = await tx.query(`INSERT INTO identity_org_links (org_id, issuer, external_org_id) VALUES ($1, $2, $3) RETURNING ${IDENTITY_LINK_COLUMNS}`, [l.orgId, l.issuer, l.externalOrgId]);
  await recordAudit(tx, ctx, {
    orgId: l.orgId,
    action: 'identity_link.created',
    targetType: 'identity_link',
    targetId: rows[0].id,
    metadata: { issuer: l.issuer, external_org_id: l.externalOrgId, ...(l.via ? { via: l.via } : {}) },
  });
  return rows[0];
}
