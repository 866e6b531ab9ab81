import { byTime, fetchRows } from '../../src/db/list';
import { sql } from '../../src/db/sql';
import type { Handler } from '../../src/handler';
import { IDENTITY_LINK_COLUMNS, identityLinkJson, type IdentityLinkRow } from './identity-link-store';

export const listIdentityLinks: Handler<'listIdentityLinks'> = async (ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const list = { from: 'identity_org_links', columns: IDENTITY_LINK_COLUMNS, where: [sql`org_id = ${ctx.principal.orgId}`], order: byTime('created_at', true) };
  const { items, ...page } = await fetchRows<IdentityLinkRow>(ctx.db, list, { limit, offset });
  return { status: 200, body: { items: items.map(identityLinkJson), ...page } };
};
