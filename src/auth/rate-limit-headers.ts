// The rate-limit headers of an authenticated response (conventions: "Rate limits"): the
// X-RateLimit-* trio and the IETF draft fields. A principal is limited by one or two sliding
// windows (a key and its organisation; a console user); the trio describes the tighter one.

export type WindowName = 'key' | 'org' | 'user';

export interface RateWindow {
  name: WindowName;
  limit: number;
  remaining: number;
  /** Epoch ms when one more request will be admitted. */
  resetMs: number;
}

/** The windows a request was counted in (or refused by), the principal's own first. */
export interface RateLimitResult {
  admitted: boolean;
  windows: readonly RateWindow[];
}

export const WINDOW_SECONDS = 60;

const seconds = (ms: number, nowMs: number) => Math.max(0, Math.ceil((ms - nowMs) / 1000));

/** The window with the fewest remaining requests; on a tie, the one that resets later. */
export function tighter(r: RateLimitResult): RateWindow {
  let t = r.windows[0];
  for (const w of r.windows) if (w.remaining < t.remaining || (w.remaining === t.remaining && w.resetMs > t.resetMs)) t = w;
  return t;
}

export const windowNamed = (r: RateLimitResult, name: WindowName) => r.windows.find((w) => w.name === name);

export function rateLimitHeaders(r: RateLimitResult, nowMs: number): Record<string, string> {
  const t = tighter(r);
  return {
    'X-RateLimit-Limit': String(t.limit),
    'X-RateLimit-Remaining': String(t.remaining),
    'X-RateLimit-Reset': String(Math.ceil(t.resetMs / 1000)),
    'RateLimit-Policy': r.windows.map((w) => `"${w.name}";q=${w.limit};w=${WINDOW_SECONDS}`).join(', '),
    RateLimit: `"${t.name}";r=${t.remaining};t=${seconds(t.resetMs, nowMs)}`,
  };
}

/** Seconds until the refused request would fit in every window. */
export const retryAfterSeconds = (r: RateLimitResult, nowMs: number) => Math.max(1, ...r.windows.map((w) => seconds(w.resetMs, nowMs)));

const WHOSE: Record<WindowName, string> = { key: 'for this API key', org: 'for the organisation', user: 'for this user' };

/** "Rate limit exceeded: 60 requests per minute for this API key": the first full window, the principal's own first. */
export function rateLimitMessage(r: RateLimitResult, nowMs: number): string {
  const w = r.windows.find((x) => x.resetMs > nowMs) ?? r.windows[0];
  return `Rate limit exceeded: ${w.limit} requests per minute ${WHOSE[w.name]}`;
}
