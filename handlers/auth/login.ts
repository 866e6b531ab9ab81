import { recordAudit } from '../../src/audit';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../../src/auth/passwords';
import { csrfTokenFor, newSessionToken, sessionCookie } from '../../src/auth/session-token';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { ORG_COLUMNS, organisationJson } from './organisation-row';

// Brute force: failures counted per account and per address over a sliding 15 minutes.
const WINDOW_MS = 15 * 60_000;
const MAX_PER_ACCOUNT = 10;
const MAX_PER_IP = 30;

const FAILURES_SQL = `
  SELECT count(*) FILTER (WHERE lower(email) = lower($1)) AS account,
         count(*) FILTER (WHERE ip = $2) AS ip,
         min(created_at) AS oldest
    FROM login_failures
   WHERE created_at > $3 AND (lower(email) = lower($1) OR ip = $2)`;

const USER_SQL = `
  SELECT u.id AS user_id, u.email, u.name, u.password_hash, m.role, ${ORG_COLUMNS}
    FROM users u
    JOIN memberships m ON m.user_id = u.id
    JOIN organisations o ON o.id = m.org_id
   WHERE lower(u.email) = lower($1) AND ($2::text IS NULL OR o.slug = $2)
   ORDER BY m.created_at, o.id
   LIMIT 1`;

export const login: Handler<'login'> = async (ctx, req) => {
  const { email, password, organisation } = req.body;
  const now = ctx.clock();
  const ip = ctx.ip || null;

  const { rows: f } = await ctx.db.query(FAILURES_SQL, [email, ip, new Date(now.getTime() - WINDOW_MS)]);
  if (f[0].account >= MAX_PER_ACCOUNT || f[0].ip >= MAX_PER_IP) {
    const retry = Math.max(1, Math.ceil((f[0].oldest.getTime() + WINDOW_MS - now.getTime()) / 1000));
    throw new ApiError('RATE_LIMITED', 'Too many failed sign-ins; try again later', { headers: { 'Retry-After': String(retry) } });
  }

  const { rows } = await ctx.db.query(USER_SQL, [email, organisation ?? null]);
  const user = rows[0];
  // The same work and the same answer for an unknown email and for a wrong password.
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) {
    await ctx.db.query('INSERT INTO login_failures (email, ip, created_at) VALUES ($1, $2, $3)', [email, ip, now]);
    throw new ApiError('UNAUTHORIZED', 'Invalid email or password', { headers: { 'WWW-Authenticate': 'Bearer realm="aura"' } });
  }

  // A new session — new id, new token — at every sign-in.
  const { token, hash } = newSessionToken();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlHours * 3_600_000);
  await withTransaction(ctx.db, async (tx) => {
    const { rows: s } = await tx.query(
      `INSERT INTO sessions (token_hash, user_id, org_id, ip, user_agent, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [hash, user.user_id, user.org_id, ip, ctx.userAgent, now, expiresAt],
    );
    await tx.query('DELETE FROM login_failures WHERE lower(email) = lower($1)', [email]);
    const principal = { kind: 'user', orgId: user.org_id, projectId: null, userId: user.user_id, sessionId: s[0].id, role: user.role } as const;
    await recordAudit(tx, { ...ctx, principal }, { orgId: user.org_id, action: 'auth.login', targetType: 'user', targetId: user.user_id });
  });

  return {
    status: 200,
    headers: { 'Set-Cookie': sessionCookie(token, ctx.config.sessionTtlHours * 3600, ctx.config.production) },
    body: {
      user: { id: user.user_id, email: user.email, name: user.name },
      organisation: organisationJson(user),
      role: user.role,
      csrf_token: csrfTokenFor(token),
      expires_at: expiresAt.toISOString(),
    },
  };
};
