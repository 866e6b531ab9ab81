import { recordAudit } from '../../src/audit';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../../src/auth/passwords';
import { csrfTokenFor, newSessionToken, sessionCookie } from '../../src/auth/session-token';
import { withTransaction } from '../../src/db/transaction';
import { ApiError } from '../../src/errors';
import type { Handler } from '../../src/handler';
import { auditFailedSignIn, clearAccountAttempts, takeAttemptSlot } from './login-attempts';
import { ORG_COLUMNS, organisationJson } from './organisation-row';

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

  const slot = await takeAttemptSlot(ctx.db, email, ip, now);
  if (!slot.taken) {
    throw new ApiError('RATE_LIMITED', 'Too many failed sign-ins; try again later', { headers: { 'Retry-After': String(slot.retryAfterSeconds) } });
  }

  const { rows } = await ctx.db.query(USER_SQL, [email, organisation ?? null]);
  const user = rows[0];
  // The same work and the same answer for an unknown email and for a wrong password.
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) {
    // The slot taken above stays: it is this failure's record.
    await auditFailedSignIn(ctx.db, email, organisation ?? null, ip);
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
    await clearAccountAttempts(tx, email);
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
