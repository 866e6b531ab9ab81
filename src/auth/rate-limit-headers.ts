// The rate-limit headers of a key-authenticated response (conventions: "Rate limits"): the
// X-RateLimit-* trio and the IETF draft fields, describing the tighter of the two policies.

export interface RateLimitResult {
  keyLimit: number;
  keyRemaining: number;
  keyResetMs: number;
  orgLimit: number;
  orgRemaining: number;
  orgResetMs: number;
}

export const WINDOW_SECONDS = 60;

const seconds = (ms: number, nowMs: number) => Math.max(0, Math.ceil((ms - nowMs) / 1000));

export function tighter(r: RateLimitResult): { name: 'key' | 'org'; limit: number; remaining: number; resetMs: number } {
  const orgTighter = r.orgRemaining < r.keyRemaining || (r.orgRemaining === r.keyRemaining && r.orgResetMs > r.keyResetMs);
  return orgTighter
    ? { name: 'org', limit: r.orgLimit, remaining: r.orgRemaining, resetMs: r.orgResetMs }
    : { name: 'key', limit: r.keyLimit, remaining: r.keyRemaining, resetMs: r.keyResetMs };
}

export function rateLimitHeaders(r: RateLimitResult, nowMs: number): Record<string, string> {
  const t = tighter(r);
  return {
    'X-RateLimit-Limit': String(t.limit),
    'X-RateLimit-Remaining': String(t.remaining),
    'X-RateLimit-Reset': String(Math.ceil(t.resetMs / 1000)),
    'RateLimit-Policy': `"key";q=${r.keyLimit};w=${WINDOW_SECONDS}, "org";q=${r.orgLimit};w=${WINDOW_SECONDS}`,
    RateLimit: `"${t.name}";r=${t.remaining};t=${seconds(t.resetMs, nowMs)}`,
  };
}

export const retryAfterSeconds = (r: RateLimitResult, nowMs: number) => Math.max(1, seconds(tighter(r).resetMs, nowMs));
