// A target's failure as a stable code a client may switch on. The server's text never leaves
// this file: it may quote the target's configuration, or be whatever a hostile server sends.
import { RunFailure } from '../../../src/module';

export const TARGET_ERROR_CODES = [
  'TARGET_REFUSED', // the network policy refused the host, port or an address it resolves to
  'SELF_TARGET', // the API's own database
  'HOST_NOT_FOUND',
  'HOST_UNREACHABLE',
  'CONNECTION_REFUSED',
  'TIMEOUT',
  'AUTH_FAILED',
  'DATABASE_NOT_FOUND',
  'TLS_REQUIRED', // the server refuses a session without TLS (ssl_mode disable)
  'TLS_UNAVAILABLE', // the server offers no TLS (ssl_mode require or stricter)
  'TLS_VERIFY_FAILED',
  'TOO_MANY_CONNECTIONS',
  'TARGET_UNAVAILABLE', // starting up, shutting down, in recovery without hot standby
  'PERMISSION_DENIED',
  'CREDENTIALS_UNREADABLE', // the stored password opens with no configured key
  'CONNECTION_FAILED',
] as const;

export type TargetErrorCode = (typeof TARGET_ERROR_CODES)[number];

const MESSAGES: Record<TargetErrorCode, string> = {
  TARGET_REFUSED: 'The target host, port or an address it resolves to is not allowed by the target network policy',
  SELF_TARGET: "The target is the API's own database",
  HOST_NOT_FOUND: 'The target host name does not resolve',
  HOST_UNREACHABLE: 'The target host is unreachable',
  CONNECTION_REFUSED: 'The target refused the connection (nothing listening on that port?)',
  TIMEOUT: 'The target did not answer in time',
  AUTH_FAILED: 'The target refused the user name or password',
  DATABASE_NOT_FOUND: 'The database does not exist on the target',
  TLS_REQUIRED: 'The target requires TLS: use an ssl_mode other than disable',
  TLS_UNAVAILABLE: 'The target does not offer TLS: use ssl_mode disable only if the network is trusted',
  TLS_VERIFY_FAILED: "The target's TLS certificate could not be verified",
  TOO_MANY_CONNECTIONS: 'The target has no connection slot left',
  TARGET_UNAVAILABLE: 'The target is starting up, shutting down or not accepting sessions',
  PERMISSION_DENIED: 'The target user lacks a privilege this needs',
  CREDENTIALS_UNREADABLE: 'The stored password cannot be decrypted with the configured keys',
  CONNECTION_FAILED: 'The connection to the target failed',
};

/** A RunFailure, so a run that cannot reach its target fails with the same code. */
export class TargetError extends RunFailure {
  constructor(override readonly code: TargetErrorCode, message: string = MESSAGES[code]) {
    super(code, message);
  }
}

const SQLSTATE: Array<[RegExp, TargetErrorCode]> = [
  [/^28P01$|^28000$/, 'AUTH_FAILED'],
  [/^3D000$/, 'DATABASE_NOT_FOUND'],
  [/^53300$|^53400$/, 'TOO_MANY_CONNECTIONS'],
  [/^57P0[1-4]$/, 'TARGET_UNAVAILABLE'],
  [/^57014$/, 'TIMEOUT'],
  [/^42501$/, 'PERMISSION_DENIED'],
];

const ERRNO: Record<string, TargetErrorCode> = {
  ECONNREFUSED: 'CONNECTION_REFUSED',
  EHOSTUNREACH: 'HOST_UNREACHABLE',
  ENETUNREACH: 'HOST_UNREACHABLE',
  EADDRNOTAVAIL: 'HOST_UNREACHABLE',
  ETIMEDOUT: 'TIMEOUT',
  ENOTFOUND: 'HOST_NOT_FOUND',
  EAI_AGAIN: 'HOST_NOT_FOUND',
};

/** The stable code for whatever connecting or querying threw (server text is read, never passed on). */
export function targetErrorCode(err: unknown, sslMode: string): TargetErrorCode {
  if (err instanceof TargetError) return err.code;
  const e = (err ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  // "no pg_hba.conf entry for host …, SSL off": the server has a hostssl line only.
  if (code === '28000' && sslMode === 'disable' && /SSL off|no encryption/i.test(message)) return 'TLS_REQUIRED';
  for (const [pattern, mapped] of SQLSTATE) if (pattern.test(code)) return mapped;
  if (ERRNO[code]) return ERRNO[code];
  if (/does not support SSL/i.test(message)) return 'TLS_UNAVAILABLE';
  if (/^ERR_TLS_|^(CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(GET|VERIFY)_)/.test(code)) return 'TLS_VERIFY_FAILED';
  if (/timeout/i.test(message)) return 'TIMEOUT';
  // Client-side SASL refusals (no password given to a server asking for one).
  if (/^SASL|password must be a string|password authentication/i.test(message)) return 'AUTH_FAILED';
  return 'CONNECTION_FAILED';
}

export const toTargetError = (err: unknown, sslMode: string): TargetError =>
  err instanceof TargetError ? err : new TargetError(targetErrorCode(err, sslMode));
