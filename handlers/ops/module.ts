// The ops module (seed 002, "Auralith"): projects, connections to customers' PostgreSQL
// databases, and runs — the long jobs on those databases.
import type { ApiModule } from '../../src/module';
import { seedOpsDemo } from './demo/data';
import { introspect } from './introspection/run-introspect';
import { patchDryRun } from './patches/run-dry-run';
import { connectRunTarget } from './runs/target-connector';

export const moduleDefinition: ApiModule = {
  name: 'ops',
  runKinds: { introspect, 'patch.dry_run': patchDryRun },
  targetConnector: connectRunTarget,
  demo: { seed: seedOpsDemo, scopes: ['projects:read', 'connections:read', 'connections:write', 'runs:read'] },
};
