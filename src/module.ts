// What a module adds to the shared plumbing besides its operations' handlers. A module declares
// it in handlers/<module>/module.ts; `make generate` finds it (generated/modules.ts), so adding a
// module never means editing a list in src/.
import type pg from 'pg';
import type { AccessPolicy } from './auth/authenticate';
import type { Ctx } from './handler';

export interface ApiModule {
  readonly name: string;
  /** Rules over whole organisations, applied to every authenticated request once it is admitted. */
  readonly accessPolicies?: readonly AccessPolicy[];
  /** The demo organisation's data (`make start` on an empty database), and the read scopes the printed demo key gets for it. */
  readonly demo?: { readonly seed: DemoSeeder; readonly scopes: readonly string[] };
  /** Operations whose rate-limit price depends on what the request asks (POST /graphql). */
  readonly requestCosts?: readonly RequestCost[];
}

/**
 * The price of one request of `operationId` in rate-limit points, instead of 1. The pipeline
 * validates the request against the spec first, then calls `cost` (CPU only: it runs before the
 * credential is resolved, so a refusal — an ApiError it throws — costs no database work), then
 * takes that many points in the one authentication round trip.
 */
export interface RequestCost {
  readonly operationId: string;
  cost(request: { readonly body: unknown; readonly query: Readonly<Record<string, unknown>> }, ctx: Ctx): number;
}

/** Runs inside the demo's transaction, after the organisation, its owner and key exist. */
export type DemoSeeder = (tx: pg.PoolClient, orgId: string) => Promise<void>;
