// The ops module's target connector for runs (ApiModule.targetConnector): the connection must be
// one of the run's project (a run never reaches another project's database), then
// handlers/ops/target/connect-target.ts opens the session (network checks, password, settings).
import type { TargetConnector } from '../../../src/module';
import { RunFailure } from '../../../src/module';
import { connectTarget, TARGET_COLUMNS, type ConnectionRow } from '../target/connect-target';

export const connectRunTarget: TargetConnector = async (db, req) => {
  const { rows } = await db.query<ConnectionRow>(
    `SELECT ${TARGET_COLUMNS} FROM connections WHERE id = $1 AND org_id = $2 AND project_id = $3`,
    [req.connectionId, req.orgId, req.projectId],
  );
  if (!rows[0]) throw new RunFailure('CONNECTION_NOT_FOUND', 'The connection no longer exists in the run\'s project');
  try {
    // ownDb: the connect-time guard refusing the API's own database as a target.
    return await connectTarget(rows[0], { applicationName: req.applicationName, readOnly: req.readOnly, statementTimeoutMs: req.statementTimeoutMs, ownDb: db });
  } catch (err) {
    if (err instanceof RunFailure) throw err;
    // Never the target server's text: a stable code only.
    throw new RunFailure('TARGET_UNREACHABLE', 'Could not open a session on the target database');
  }
};
