// One run in this worker's hands: the RunContext its executor gets (src/module.ts), the target
// sessions it opened, and how it is stopped. node-postgres cannot cancel a query in band, so a
// cancel opens a SECOND session on the same target and runs pg_cancel_backend on the run's
// backend (matched by pid AND application_name, so a recycled pid is never hit).
import type pg from 'pg';
import type { Logger } from '../logger';
import { RunFailure, type RunContext, type TargetConnector } from '../module';
import type { ClaimedRun } from './store';
import { appendEvent, recordProgress, recordTargetBackend } from './store';

/** Thrown by throwIfCancelled (and the reason of the run's signal) once the run is being cancelled. */
export class RunCancelled extends Error {
  constructor(readonly why: 'cancelled' | 'lost' | 'stopping') {
    super(`run ${why}`);
  }
}

interface TargetSession {
  client: pg.Client;
  pid: number;
  connectionId: string;
}

export const runApplicationName = (runId: string) => `auralith/run/${runId}`;

export class ActiveRun {
  readonly controller = new AbortController();
  readonly log: Logger;
  private readonly targets: TargetSession[] = [];
  /** Why it is being stopped, once it is. */
  stoppedFor: RunCancelled['why'] | null = null;

  constructor(
    readonly row: ClaimedRun,
    private readonly deps: { pool: pg.Pool; log: Logger; workerId: string; connector?: TargetConnector },
  ) {
    this.log = deps.log.child({ run: row.id, kind: row.kind });
  }

  get id() {
    return this.row.id;
  }

  context(): RunContext {
    const { row, deps } = this;
    return {
      run: { id: row.id, orgId: row.org_id, projectId: row.project_id, kind: row.kind, subjectType: row.subject_type, subjectId: row.subject_id, params: row.params },
      db: deps.pool,
      log: this.log,
      signal: this.controller.signal,
      connectTarget: (connectionId, opts) => this.connectTarget(connectionId, opts),
      progress: (p) => recordProgress(deps.pool, row.id, deps.workerId, p),
      event: (level, message, data) => appendEvent(deps.pool, row.id, level, message, data),
      throwIfCancelled: async () => {
        if (this.stoppedFor) throw new RunCancelled(this.stoppedFor);
      },
    };
  }

  private async connectTarget(connectionId: string, opts: { readOnly?: boolean; statementTimeoutMs?: number } = {}): Promise<pg.Client> {
    if (this.stoppedFor) throw new RunCancelled(this.stoppedFor);
    const { row, deps } = this;
    if (!deps.connector) throw new RunFailure('TARGET_UNAVAILABLE', 'No module provides database targets in this process');
    const client = await deps.connector(deps.pool, {
      orgId: row.org_id,
      projectId: row.project_id,
      connectionId,
      applicationName: runApplicationName(row.id),
      readOnly: opts.readOnly,
      statementTimeoutMs: opts.statementTimeoutMs,
    });
    // A backend terminated under it (cancel, sweep) must not crash the process: the query in flight fails instead.
    client.on('error', (err) => this.log.debug({ err }, 'target session error'));
    try {
      // PostgreSQL ≥ 14 notices a vanished client during a long query (a killed worker's socket)
      // and ends the backend, instead of finishing the statement for nobody.
      await client.query(`SELECT set_config('client_connection_check_interval', '1000', false) WHERE current_setting('server_version_num')::int >= 140000`);
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const session = { client, pid: rows[0].pid, connectionId };
      this.targets.push(session);
      await recordTargetBackend(deps.pool, row.id, deps.workerId, session.pid, connectionId);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    // A cancel that came while connecting: stop right away rather than hand out the session.
    if (this.stoppedFor) {
      await this.endTargets();
      throw new RunCancelled(this.stoppedFor);
    }
    return client;
  }

  /** Stops the run: aborts its signal and cancels its target queries (again on each call: a query started since is stopped too). */
  stop(why: RunCancelled['why']): void {
    if (!this.stoppedFor) {
      this.stoppedFor = why;
      this.controller.abort(new RunCancelled(why));
      this.log.info({ why }, 'stopping run');
    }
    void this.cancelTargetQueries();
  }

  private async cancelTargetQueries(): Promise<void> {
    const { row, deps } = this;
    if (!deps.connector) return;
    await Promise.all(
      this.targets.map(async (t) => {
        let second: pg.Client | undefined;
        try {
          second = await deps.connector!(deps.pool, {
            orgId: row.org_id,
            projectId: row.project_id,
            connectionId: t.connectionId,
            applicationName: `auralith/cancel/${row.id}`,
          });
          second.on('error', () => {});
          await second.query('SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND application_name = $2', [t.pid, runApplicationName(row.id)]);
        } catch (err) {
          this.log.warn({ err }, 'could not cancel the target query (the session ends with the run)');
        } finally {
          await second?.end().catch(() => {});
        }
      }),
    );
  }

  /** Ends every target session the run opened (the runtime does, whatever the outcome). */
  async endTargets(): Promise<void> {
    const sessions = this.targets.splice(0);
    await Promise.all(sessions.map((t) => t.client.end().catch(() => {})));
  }
}
