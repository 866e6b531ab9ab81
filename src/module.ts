// What a module adds to the shared plumbing besides its operations' handlers. A module declares
// it in handlers/<module>/module.ts; `make generate` finds it (generated/modules.ts), so adding a
// module never means editing a list in src/.
import type { AccessPolicy } from './auth/authenticate';

export interface ApiModule {
  readonly name: string;
  /** Rules over whole organisations, applied to every authenticated request once it is admitted. */
  readonly accessPolicies?: readonly AccessPolicy[];
}
