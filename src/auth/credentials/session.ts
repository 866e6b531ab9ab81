// Console sessions: the httpOnly cookie set by POST /auth/login; unsafe methods also need X-CSRF-Token.
import { ApiError } from '../../errors';
import type { Role } from '../principal';
import { csrfMatches, hashSessionToken } from '../session-token';
import type { CredentialScheme } from './scheme';
import { WWW_AUTHENTICATE } from './unauthorized';

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);
const AUTH_SESSION_SQL = { name: 'authenticate_session', text: 'SELECT * FROM authenticate_session($1, $2, $3, $4)' };

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export const sessionScheme: CredentialScheme = {
  name: 'session',
  claims: (p) => p.scheme === 'SessionCookie',

  async resolve(p, ctx, cost) {
    const { rows } = await ctx.db.query({ ...AUTH_SESSION_SQL, values: [hashSessionToken(p.token), ctx.clock(), ctx.config.sessionRateLimitPerMinute, cost] });
    const row = rows[0];
    if (!row) throw new ApiError('UNAUTHORIZED', 'The session has ended; sign in again', { headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
    return {
      principal: { kind: 'user', orgId: row.org_id, projectId: null, userId: row.user_id, sessionId: row.session_id, role: row.role as Role },
      org: row.org,
      rateLimit: {
        admitted: row.admitted,
        windows: [{ name: 'user', limit: ctx.config.sessionRateLimitPerMinute, remaining: row.user_remaining, resetMs: Number(row.user_reset_ms) }],
      },
    };
  },

  verify(p, req) {
    if (UNSAFE.has(req.method.toLowerCase()) && !csrfMatches(p.token, header(req.headers['x-csrf-token']))) {
      throw new ApiError('CSRF_FAILED', 'Missing or wrong X-CSRF-Token header for this session');
    }
  },
};
