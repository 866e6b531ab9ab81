// The ops module (seed 002, "Auralith"): projects, connections to customers' PostgreSQL
// databases, and runs — the long jobs on those databases.
import type { ApiModule } from '../../src/module';
import { seedOpsDemo } from './demo/data';
import { introspect } from './introspection/run-introspect';
import { patchDryRun } from './patches/run-dry-run';
import { patchExecute } from './patches/run-execute';
import { patchRollback } from './patches/run-rollback';
import { recoverPatchRuns } from './patches/recover';
import { connectRunTarget } from './runs/target-connector';

export const moduleDefinition: ApiModule = {
  name: 'ops',
  runKinds: { introspect, 'patch.dry_run': patchDryRun, 'patch.execute': patchExecute, 'patch.rollback': patchRollback },
  targetConnector: connectRunTarget,
  runRecoverer: recoverPatchRuns,
  demo: { seed: seedOpsDemo, scopes: ['projects:read', 'connections:read', 'connections:write', 'runs:read', 'patches:read', 'patches:write', 'patches:execute', 'approvals:read'] },
};
