// Session tokens: 32 random bytes in the httpOnly cookie; only their SHA-256 is stored.
// The CSRF token is derived from the session token (HMAC-like, no storage): a page that cannot
// read the cookie cannot compute it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'aura_session';

export function newSessionToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSessionToken(token) };
}

export const hashSessionToken = (token: string) => createHash('sha256').update(`session:${token}`).digest();

export const csrfTokenFor = (sessionToken: string) => createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');

export function csrfMatches(sessionToken: string, sent: string | undefined): boolean {
  if (!sent) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(sent);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export const clearedSessionCookie = (secure: boolean) => sessionCookie('', 0, secure);
