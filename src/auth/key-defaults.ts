// A new API key's rate limit when none is given. The rule lives in the spec beside the scopes
// (Scope's `x-key-rate-limit`, generated into generated/operations.ts): a module that adds scopes
// states their limit there too (seed 001: 100/min for partner scopes), and every way of creating
// a key — the API, the admin CLI, the demo — reads it here.
import { keyRateLimit, type scopes as allScopes } from '../../generated/operations';

type Scope = (typeof allScopes)[number];

/** The highest default among the key's scopes, else the platform's (60/min, seed 000). */
export function defaultRateLimitPerMinute(scopes: readonly string[]): number {
  const byScope: Readonly<Record<string, number | undefined>> = keyRateLimit.scopes;
  return Math.max(keyRateLimit.default, ...scopes.map((s) => byScope[s as Scope] ?? keyRateLimit.default));
}
