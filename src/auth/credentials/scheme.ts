// What a credential scheme is: it recognises a credential by where and how it was sent (no I/O),
// and resolves it to a principal with its rate-limit state in one database round trip.
import type { Config } from '../../config';
import type { Pool } from '../../db/pool';
import type { Principal, SpecScheme } from '../principal';
import type { RateLimitResult } from '../rate-limit-headers';

/** The parts of a request the access layer reads (independent of express and openapi-backend). */
export interface RequestView {
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  cookies: Readonly<Record<string, string | undefined>>;
}

/** A credential found in the request: the spec scheme it came under, and the token. */
export interface Presented {
  scheme: SpecScheme;
  token: string;
}

export interface AccessCtx {
  db: Pick<Pool, 'query'>;
  clock: () => Date;
  config: Config;
  ip: string;
}

export interface Resolved {
  principal: Principal;
  rateLimit: RateLimitResult;
  /** The organisation's row, for the modules' access policies. */
  org: Readonly<Record<string, unknown>>;
}

export interface CredentialScheme {
  readonly name: string;
  /** Whether this scheme resolves the credential (by where it came and its shape). */
  claims(p: Presented): boolean;
  /**
   * The principal, having taken `cost` slots from its rate-limit windows when it has room.
   * Throws 401 UNAUTHORIZED for an unknown, revoked or expired credential (nothing counted).
   */
  resolve(p: Presented, ctx: AccessCtx, cost: number): Promise<Resolved>;
  /** Checks made once the request is admitted (CSRF for cookies); throws the documented 403. */
  verify?(p: Presented, req: RequestView): void;
}
