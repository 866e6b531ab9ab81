// One error envelope, one closed list of codes (from the spec), one SQLSTATE → HTTP table.
import { errorStatus, type ErrorCode } from '../generated/error-codes';
import type { components } from '../generated/openapi-types';

export type ErrorBody = components['schemas']['Error'];
export type ErrorDetail = components['schemas']['ErrorDetail'];
export type { ErrorCode };

/** Throw this from anywhere (plumbing or handler) to answer with the envelope. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = errorStatus[code];
  }
}

export const notFound = (what = 'Resource') => new ApiError('NOT_FOUND', `${what} not found`);

export function errorBody(err: ApiError, requestId: string): ErrorBody {
  const body: ErrorBody = { success: false, error: err.message, code: err.code, request_id: requestId };
  if (err.options.details?.length) body.details = err.options.details;
  return body;
}

const RETRY_AFTER_UNAVAILABLE = '5';
const unavailable = () =>
  new ApiError('SERVICE_UNAVAILABLE', 'The database is not answering; retry shortly.', {
    headers: { 'Retry-After': RETRY_AFTER_UNAVAILABLE },
  });

/** SQLSTATE class or code → the error a client sees. Anything unlisted is a 500. */
const SQLSTATE: Array<[RegExp, () => ApiError]> = [
  [/^23505$/, () => new ApiError('CONFLICT', 'A resource with the same unique value already exists')],
  [/^23503$/, () => new ApiError('CONFLICT', 'The change refers to a resource that does not exist or is still in use')],
  [/^23514$/, () => new ApiError('VALIDATION_ERROR', 'A value is outside its allowed range')],
  // Text a client sent that PostgreSQL could not read (bad uuid/date syntax). Other data exceptions
  // (e.g. 22003 overflow) mean our own SQL is wrong: they stay 500s, not disguised as client errors.
  // 22009 (a UTC offset past ±15:59, which RFC 3339 allows), 22021 and 22P05 (a NUL character in
  // text, in jsonb) are input too: the fuzzer (tests/fuzz) found them answered 500.
  // Validation refuses what it can foresee (src/openapi/formats.ts, src/http/unstorable.ts); this is the fallback, naming no field.
  [/^22P02$|^22007$|^22008$|^22009$|^22021$|^22P05$/, () => new ApiError('VALIDATION_ERROR', 'A value has an invalid format')],
  [/^40001$|^40P01$/, unavailable], // serialization failure / deadlock: safe to retry
  [/^57014$/, unavailable], // statement timeout
  [/^57P0[1-3]$/, unavailable], // admin shutdown, crash shutdown, cannot connect now
  [/^08/, unavailable], // connection exceptions
  [/^53/, unavailable], // insufficient resources (too many connections, disk full)
];

/** Network-level failures of the pg driver or pool: the database is away. */
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /connect ECONNREFUSED/i,
  /ECONNRESET/i,
  /Client has encountered a connection error/i,
  /the database system is (starting up|shutting down)/i,
  /Cannot use a pool after calling end/i,
];

/** Turns any thrown value into an ApiError; unknown faults become INTERNAL_ERROR (details are logged, never sent). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^[0-9A-Z]{5}$/.test(code)) {
    for (const [pattern, make] of SQLSTATE) if (pattern.test(code)) return make();
  }
  const message = typeof e?.message === 'string' ? e.message : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code) || UNAVAILABLE_MESSAGES.some((r) => r.test(message))) {
    return unavailable();
  }
  return new ApiError('INTERNAL_ERROR', 'Internal error; quote the request id to support.');
}
