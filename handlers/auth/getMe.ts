import type { Handler } from '../../src/handler';
import { ORG_COLUMNS, organisationJson } from './organisation-row';

const ME_SQL = `
  SELECT u.id AS user_id, u.email, u.name, m.role, ${ORG_COLUMNS}
    FROM users u JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.org_id
   WHERE u.id = $1
   ORDER BY m.created_at, o.id`;

export const getMe: Handler<'getMe'> = async (ctx) => {
  const p = ctx.principal;
  if (p.kind !== 'user') throw new Error('getMe needs a session principal');
  const { rows } = await ctx.db.query(ME_SQL, [p.userId]);
  const current = rows.find((r) => r.org_id === p.orgId)!;
  return {
    status: 200,
    body: {
      user: { id: current.user_id, email: current.email, name: current.name },
      organisation: organisationJson(current),
      role: current.role,
      memberships: rows.map((r) => ({ organisation: organisationJson(r), role: r.role })),
    },
  };
};
