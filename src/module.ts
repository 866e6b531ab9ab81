// What a module adds to the shared plumbing besides its operations' handlers. A module declares
// it in handlers/<module>/module.ts; `make generate` finds it (generated/modules.ts), so adding a
// module never means editing a list in src/.
import type pg from 'pg';
import type { AccessPolicy } from './auth/authenticate';
import type { Ctx } from './handler';
import type { Logger } from './logger';

export interface ApiModule {
  readonly name: string;
  /** Rules over whole organisations, applied to every authenticated request once it is admitted. */
  readonly accessPolicies?: readonly AccessPolicy[];
  /** The demo organisation's data (`make start` on an empty database), and the read scopes the printed demo key gets for it. */
  readonly demo?: { readonly seed: DemoSeeder; readonly scopes: readonly string[] };
  /** Operations whose rate-limit price depends on what the request asks (POST /graphql). */
  readonly requestCosts?: readonly RequestCost[];
  /** The kinds of run (long jobs, src/runs/) this module executes, by `runs.kind`. */
  readonly runKinds?: Readonly<Record<string, RunExecutor>>;
  /**
   * Opens sessions on customers' databases for runs (RunContext.connectTarget, and the second
   * session a cancel uses): the module that owns connections provides it, so src/runs/ never
   * imports handlers/. One module provides it.
   */
  readonly targetConnector?: TargetConnector;
  /**
   * Finishes what runs of this module left undone when their worker was lost (SIGKILL, a lost
   * database): e.g. a patch execution between its two commits, decided from the target. Called by
   * every run worker at start, after each sweep that failed lost runs, every minute, and on the
   * next ticks while it answers `retry` (something it could not decide yet). Must be idempotent:
   * several workers may call it at once.
   */
  readonly runRecoverer?: RunRecoverer;
}

export interface RunRecoveryDeps {
  readonly db: pg.Pool;
  readonly log: Logger;
  readonly connector?: TargetConnector;
}

/** `retry`: something is left that a later call may decide (call again soon). */
export type RunRecoverer = (deps: RunRecoveryDeps) => Promise<{ retry: boolean }>;

/** What a run's target session is opened for (src/runs/ fills it; the connector checks the connection belongs to the run's project). */
export interface TargetSessionRequest {
  readonly orgId: string;
  readonly projectId: string;
  readonly connectionId: string;
  /** 'auralith/run/<id>' for the run's own sessions, 'auralith/cancel/<id>' for the cancelling one. */
  readonly applicationName: string;
  readonly readOnly?: boolean;
  readonly statementTimeoutMs?: number;
}

/** A connected client on the target, session settings applied; throws a RunFailure with a stable code when it cannot. */
export type TargetConnector = (db: pg.Pool, req: TargetSessionRequest) => Promise<pg.Client>;

/**
 * What a run's executor gets. src/runs/ implements it (claim, lease, heartbeat, cancel); the
 * executor does the work and returns the run's `result` (JSON), or throws a RunFailure.
 */
export interface RunContext {
  readonly run: {
    readonly id: string;
    readonly orgId: string;
    readonly projectId: string;
    readonly kind: string;
    readonly subjectType: string;
    readonly subjectId: string;
    readonly params: Readonly<Record<string, unknown>>;
  };
  /** The API's own database. */
  readonly db: pg.Pool;
  readonly log: Logger;
  /**
   * A session on the run's target (a connection of the run's project), with the run's
   * application_name and timeouts; its backend pid is recorded so a cancel can stop its query.
   * Ended by the runtime when the run ends.
   */
  connectTarget(connectionId: string, opts?: { readOnly?: boolean; statementTimeoutMs?: number }): Promise<pg.Client>;
  progress(p: { phase: string; done: number; total: number | null; unit: string }): Promise<void>;
  event(level: 'debug' | 'info' | 'warning' | 'error', message: string, data?: Record<string, unknown>): Promise<void>;
  /** Throws the runtime's cancellation when the run is being cancelled: call it between batches. */
  throwIfCancelled(): Promise<void>;
  /** Aborted when the run is cancelled or the worker stops. */
  readonly signal: AbortSignal;
}

export type RunExecutor = (rc: RunContext) => Promise<Record<string, unknown>>;

/** A failure with a stable code the run shows (`error.code`); the message must not echo target server text. */
export class RunFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
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
