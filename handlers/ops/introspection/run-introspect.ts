// The `introspect` run: a snapshot of the target's schema through pg_catalog (snapshot.ts), stored
// with its fingerprint in schema_snapshots. Progress is reported per object kind; nothing is
// written on the target (a READ ONLY session and transaction).
import { RunFailure, type RunExecutor } from '../../../src/module';
import { KINDS, takeSnapshot, UnsupportedServerError } from './snapshot';

/** SQLSTATE → the run's stable error code. The target's own text is never echoed. */
function failureFor(err: unknown): RunFailure {
  if (err instanceof RunFailure) return err;
  if (err instanceof UnsupportedServerError) return new RunFailure('TARGET_UNSUPPORTED', 'Introspection needs PostgreSQL 13 or later.');
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === '57014') return new RunFailure('TARGET_TIMEOUT', 'A catalog query on the target ran past its statement timeout.');
    if (code.startsWith('28')) return new RunFailure('TARGET_AUTH_FAILED', 'The target refused the connection\'s credentials.');
    if (code === '42501') return new RunFailure('TARGET_PERMISSION_DENIED', 'The connection\'s role may not read the target\'s catalog.');
    if (code.startsWith('08') || code.startsWith('57P')) return new RunFailure('TARGET_UNAVAILABLE', 'The target closed the session during introspection.');
    return new RunFailure('TARGET_QUERY_FAILED', `A catalog query on the target failed (SQLSTATE ${code}).`);
  }
  return new RunFailure('TARGET_UNAVAILABLE', 'The target session failed during introspection.');
}

/** A failure of the runtime's own calls (progress, events, cancel), kept apart from the target's. */
class RuntimeError extends Error {
  constructor(readonly inner: unknown) {
    super('runtime');
  }
}
const runtime = async (step: () => Promise<void>) => {
  try {
    await step();
  } catch (err) {
    throw new RuntimeError(err);
  }
};

export const introspect: RunExecutor = async (rc) => {
  if (rc.run.subjectType !== 'connection') throw new RunFailure('INVALID_SUBJECT', 'An introspect run works on a connection.');
  let snapshot;
  try {
    const target = await rc.connectTarget(rc.run.subjectId, { readOnly: true });
    await runtime(() => rc.progress({ phase: 'connected', done: 0, total: KINDS.length, unit: 'object kinds' }));
    snapshot = await takeSnapshot(target, (kind, done, total, count) => runtime(async () => {
      await rc.progress({ phase: kind, done, total, unit: 'object kinds' });
      await rc.event('info', `Read ${count} ${kind}`, { kind, count });
      await rc.throwIfCancelled();
    }));
  } catch (err) {
    if (err instanceof RuntimeError) throw err.inner;
    // A cancel stops the target query too (57014): it is the runtime's cancellation, not a failure.
    await rc.throwIfCancelled();
    throw failureFor(err);
  }
  const { rows } = await rc.db.query<{ id: string }>(
    `INSERT INTO schema_snapshots (org_id, connection_id, run_id, fingerprint, snapshot, server_version)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [rc.run.orgId, rc.run.subjectId, rc.run.id, snapshot.fingerprint, JSON.stringify(snapshot.schema), snapshot.serverVersion],
  );
  await rc.event('info', 'Snapshot stored', { snapshot_id: rows[0].id, fingerprint: snapshot.fingerprint });
  return {
    snapshot_id: rows[0].id,
    fingerprint: snapshot.fingerprint,
    object_counts: snapshot.objectCounts,
    server_version: snapshot.serverVersion,
  };
};
