import { withTransaction } from '../../src/db/transaction';
import type { Handler } from '../../src/handler';
import { identityLinkJson, insertIdentityLink } from './identity-link-store';

/** Links a provider organisation; a duplicate (any Aura organisation) is a 409 from the unique index. */
export const createIdentityLink: Handler<'createIdentityLink'> = async (ctx, req) => {
  const row = await withTransaction(ctx.db, (tx) => insertIdentityLink(tx, ctx, { orgId: ctx.principal.orgId, issuer: req.body.issuer, externalOrgId: req.body.external_org_id }));
  return { status: 201, body: identityLinkJson(row) };
};
