// A worker process for the crash tests: executes (or rolls back) a stored patch, and at the step
// named by STOP_AT prints "STOPPED <step>" and waits to be killed with SIGKILL.
// Run as `node --import tsx tests/ops/patch-engine/crash-child.ts`.
import pg from 'pg';
import { executePatch, loadPatch, rollbackExecution, type ExecuteHooks } from '../../../handlers/ops/patches/engine';

async function main(): Promise<void> {
  const { API_URL, TARGET_URL, PATCH_ID, EXECUTION_ID, STOP_AT } = process.env;
  const api = new pg.Pool({ connectionString: API_URL, max: 2 });
  const target = new pg.Client({ connectionString: TARGET_URL });
  await target.connect();
  const stop = (step: keyof ExecuteHooks) => async () => {
    if (step !== STOP_AT) return;
    process.stdout.write(`STOPPED ${step}\n`);
    await new Promise(() => setInterval(() => undefined, 60_000)); // until SIGKILL
  };
  const hooks: ExecuteHooks = { afterStatement: stop('afterStatement'), beforeTargetCommit: stop('beforeTargetCommit'), afterTargetCommit: stop('afterTargetCommit') };
  if (EXECUTION_ID) await rollbackExecution(target, api, EXECUTION_ID, { hooks });
  else {
    const stored = await loadPatch(api, PATCH_ID!);
    await executePatch(target, api, stored.patch, { orgId: stored.orgId, patchId: stored.id, hooks });
  }
  process.stdout.write('FINISHED\n');
  process.exit(0);
}

main().catch((err) => {
  process.stdout.write(`FAILED ${JSON.stringify(err)}\n`);
  process.exit(1);
});
