// When to try again. Attempt 1 is immediate; after each failure the next waits 5 s, 5 min, 30 min,
// 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (about 3 days in all); after the 10th failure the delivery is
// failed and kept 30 days for a manual retry. ±10 % jitter spreads retries of a burst.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** RETRY_DELAYS_MS[n - 1]: the wait after the n-th failed attempt. */
export const RETRY_DELAYS_MS: readonly number[] = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const JITTER = 0.1;
/** A Retry-After longer than this is not honoured beyond it. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;
/** A finished delivery (and its event) is kept this long: the window for a manual retry. */
export const RETENTION_MS = 30 * 24 * HOUR;
/** An endpoint whose attempts have all failed for this long is disabled. */
export const FAILING_ENDPOINT_DISABLE_MS = 5 * 24 * HOUR;

/**
 * When to make the next attempt after `attempts` failed ones, or null when there is none left.
 * A Retry-After (429/503) is honoured: never sooner than it says.
 */
export function nextAttemptAt(attempts: number, now: Date, opts: { retryAfterSeconds?: number | null; random?: () => number } = {}): Date | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_MS[attempts - 1];
  const jittered = base * (1 + JITTER * (2 * (opts.random ?? Math.random)() - 1));
  const retryAfter = Math.min((opts.retryAfterSeconds ?? 0) * SECOND, MAX_RETRY_AFTER_MS);
  return new Date(now.getTime() + Math.round(Math.max(jittered, retryAfter)));
}
