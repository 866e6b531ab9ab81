// What a module adds to the shared plumbing besides its operations' handlers. A module declares
// it in handlers/<module>/module.ts; `make generate` finds it (generated/modules.ts), so adding a
// module never means editing a list in src/.
import type pg from 'pg';
import type { AccessPolicy } from './auth/authenticate';

export interface ApiModule {
  readonly name: string;
  /** Rules over whole organisations, applied to every authenticated request once it is admitted. */
  readonly accessPolicies?: readonly AccessPolicy[];
  /** The demo organisation's data (`make start` on an empty database), and the read scopes the printed demo key gets for it. */
  readonly demo?: { readonly seed: DemoSeeder; readonly scopes: readonly string[] };
}

/** Runs inside the demo's transaction, after the organisation, its owner and key exist. */
export type DemoSeeder = (tx: pg.PoolClient, orgId: string) => Promise<void>;
