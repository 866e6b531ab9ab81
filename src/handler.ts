// What a handler is: a function of a context and a typed request, returning a typed response.
// It never touches express, never parses a credential, never re-checks a scope.
import type { OperationId, OperationRequest, OperationResponse, PublicOperationId } from '../generated/operations';
import type { Principal } from './auth/principal';
import type { RateLimitResult } from './auth/rate-limit-headers';
import type { Config } from './config';
import type { Pool } from './db/pool';
import type { Logger } from './logger';

export type { Principal, Role } from './auth/principal';

export interface Ctx {
  requestId: string;
  log: Logger;
  db: Pool;
  /** Injectable clock: tests move time without sleeping. */
  clock: () => Date;
  config: Config;
  ip: string;
  userAgent: string;
  /** Set by the access layer (src/auth/) for every secured operation; null on public ones. */
  principal: Principal | null;
  /** For authenticated requests: the principal's rate-limit windows after this request. */
  rateLimit?: RateLimitResult;
  /** The matched operation, once routed (metrics, logs). */
  operationId?: string;
  /** Headers the plumbing adds to the response, errors included (rate-limit state). */
  responseHeaders: Record<string, string>;
}

/** The context of a secured operation: the access layer has resolved and authorised its principal. */
export interface SecuredCtx extends Ctx {
  principal: Principal;
}

/** A secured operation's handler gets a non-null principal by type; a public one gets none. */
export type Handler<K extends OperationId> = (
  ctx: K extends PublicOperationId ? Ctx : SecuredCtx,
  req: OperationRequest<K>,
) => Promise<OperationResponse<K>>;

/** Exhaustive: a missing operationId is a type error in handlers/index.ts. */
export type HandlerMap = { [K in OperationId]: Handler<K> };

/** What the plumbing sends: the handler's result, untyped past this point. */
export interface HttpResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A response body already serialised as JSON text by PostgreSQL, sent as is: values a JS number
 * would round (a numeric past 2^53 inside a customer's row image) keep every digit. Build it with
 * `rawJson<T>(text)` where `text` is the JSON of a T (the spec's schema still checks it in tests).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export const rawJson = <T>(text: string): T => new RawJson(text) as unknown as T;
