// The `introspect` run: a snapshot of the target's schema through pg_catalog, stored with its
// fingerprint in schema_snapshots.
// PLACEHOLDER written by the lead: the introspection helper owns this file and replaces its body.
import type { RunExecutor } from '../../../src/module';

export const introspect: RunExecutor = async (rc) => {
  const target = await rc.connectTarget(rc.run.subjectId, { readOnly: true });
  const { rows } = await target.query<{ v: string }>('SELECT current_setting(\'server_version\') AS v');
  return { server_version: rows[0].v };
};
