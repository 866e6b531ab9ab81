import { clearedSessionCookie } from '../../src/auth/session-token';
import type { Handler } from '../../src/handler';

/** Ends the session server-side (the cookie alone is then worthless) and clears the cookie. */
export const logout: Handler<'logout'> = async (ctx) => {
  const p = ctx.principal;
  if (p.kind === 'user') await ctx.db.query('UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [p.sessionId, ctx.clock()]);
  return { status: 204, body: undefined, headers: { 'Set-Cookie': clearedSessionCookie(ctx.config.production) } };
};
