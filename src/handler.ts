// What a handler is: a function of a context and a typed request, returning a typed response.
// It never touches express, never parses a credential, never re-checks a scope.
import type { OperationId, OperationRequest, OperationResponse } from '../generated/operations';
import type { RateLimitResult } from './auth/rate-limit-headers';
import type { Config } from './config';
import type { Pool } from './db/pool';
import type { Logger } from './logger';

export type Role = 'owner' | 'admin' | 'member';

/** Who is calling, resolved by the plumbing from the credential (src/auth/). */
export type Principal =
  | { kind: 'api_key'; orgId: string; keyId: string; scopes: readonly string[] }
  | { kind: 'user'; orgId: string; userId: string; sessionId: string; role: Role };

export interface Ctx {
  requestId: string;
  log: Logger;
  db: Pool;
  /** Injectable clock: tests move time without sleeping. */
  clock: () => Date;
  config: Config;
  ip: string;
  userAgent: string;
  /** Set by the auth layer for authenticated operations. */
  principal: Principal | null;
  /** For API-key requests: the key's and organisation's rate-limit state after this request. */
  rateLimit?: RateLimitResult;
  /** The matched operation, once routed (metrics, logs). */
  operationId?: string;
  /** Headers the plumbing adds to the response, errors included (rate-limit state). */
  responseHeaders: Record<string, string>;
}

export type Handler<K extends OperationId> = (ctx: Ctx, req: OperationRequest<K>) => Promise<OperationResponse<K>>;

/** Exhaustive: a missing operationId is a type error in handlers/index.ts. */
export type HandlerMap = { [K in OperationId]: Handler<K> };

/** What the plumbing sends: the handler's result, untyped past this point. */
export interface HttpResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
