/* global window, sessionStorage */
// The console's only way to the server: the public API, same origin, with the httpOnly session
// cookie (sent by the browser) and, on unsafe methods, the X-CSRF-Token from the sign-in answer.
// The CSRF token lives in sessionStorage: it survives a reload of this tab and dies with it.

const CSRF_KEY = 'aura.console.csrf';

export const csrf = {
  get: () => sessionStorage.getItem(CSRF_KEY),
  /** @param {string} token */
  set: (token) => sessionStorage.setItem(CSRF_KEY, token),
  clear: () => sessionStorage.removeItem(CSRF_KEY),
};

/** An API error, with a message meant for people. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {{code?: string, requestId?: string, details?: Array<{loc: Array<string|number>, msg: string}>}} [info]
   */
  constructor(status, message, info = {}) {
    super(message);
    this.status = status;
    this.code = info.code ?? 'UNKNOWN';
    this.requestId = info.requestId;
    /** One line per invalid field: "Scopes: must NOT have fewer than 1 items". */
    this.fieldErrors = (info.details ?? []).map((d) => ({ field: fieldName(d.loc), message: d.msg }));
  }
}

/** ['body', 'rate_limit_per_minute'] → "rate_limit_per_minute" (the request part is dropped). */
function fieldName(/** @type {Array<string|number>} */ loc) {
  const parts = (loc ?? []).slice(['body', 'query', 'path', 'header'].includes(String(loc?.[0])) ? 1 : 0);
  return parts.join('.') || 'request';
}

/**
 * Called, with the reason in words, when this tab's session is gone: a 401 from any request but
 * sign-in, or a CSRF refusal (someone signed in again in another tab of this browser: the cookie
 * is now that session's, and this tab's token no longer matches it).
 * @type {(reason: string) => void}
 */
let onSignedOut = () => {};
export function whenSignedOut(/** @type {(reason: string) => void} */ fn) {
  onSignedOut = fn;
}

const GENERIC = {
  0: 'The server cannot be reached. Check your connection and try again.',
  413: 'That is too much data for one request.',
  429: 'Too many requests. Wait a minute and try again.',
  500: 'Something went wrong on our side. Try again; if it persists, contact support.',
  503: 'The service is temporarily unavailable. Try again in a moment.',
};

/**
 * @param {'GET'|'POST'|'PUT'|'PATCH'|'DELETE'} method
 * @param {string} path
 * @param {{query?: Record<string, string|number|undefined|null>, body?: unknown, signIn?: boolean}} [opts]
 * @returns {Promise<any>}
 */
export async function request(method, path, opts = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(opts.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const token = csrf.get();
  if (method !== 'GET' && token) headers['X-CSRF-Token'] = token;

  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, GENERIC[0], { code: 'NETWORK' });
  }
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return body;

  const envelope = body && typeof body === 'object' && typeof body.error === 'string' ? body : null;
  const message = envelope?.error ?? GENERIC[/** @type {keyof typeof GENERIC} */ (res.status)] ?? `The server answered with an error (HTTP ${res.status}).`;
  const error = new ApiError(res.status, message, { code: envelope?.code, requestId: envelope?.request_id, details: envelope?.details });
  if (!opts.signIn && res.status === 401) onSignedOut('Your session has ended. Sign in again to continue.');
  if (!opts.signIn && error.code === 'CSRF_FAILED') onSignedOut('You signed in again elsewhere in this browser. Sign in again here to continue.');
  return Promise.reject(error);
}

export const api = {
  /** @param {string} path @param {Record<string, any>} [query] */
  get: (path, query) => request('GET', path, { query }),
  /** @param {string} path @param {unknown} [body] */
  post: (path, body) => request('POST', path, { body }),
  /** @param {string} path @param {unknown} [body] */
  put: (path, body) => request('PUT', path, { body }),
  /** @param {string} path @param {unknown} [body] */
  patch: (path, body) => request('PATCH', path, { body }),
  /** @param {string} path */
  del: (path) => request('DELETE', path),
};

/** The public spec, for the scopes' descriptions and which modules this server has. */
let specPromise = /** @type {Promise<any> | null} */ (null);
export function spec() {
  specPromise ??= fetch('/openapi.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}));
  return specPromise;
}

/** Does this server have the operation? @param {any} doc @param {string} operationId */
export function hasOperation(doc, operationId) {
  return Object.values(doc?.paths ?? {}).some((item) => Object.values(/** @type {object} */ (item)).some((op) => op?.operationId === operationId));
}

/**
 * The API-key scopes with their one-line explanation, from the spec's `Scope` schema
 * (`x-enum-descriptions`, which `make generate` derives from its description's bullet list).
 * @param {any} doc @returns {Array<{scope: string, description: string}>}
 */
export function scopes(doc) {
  const schema = doc?.components?.schemas?.Scope ?? {};
  /** @type {Record<string, string>} */
  const described = schema['x-enum-descriptions'] ?? {};
  return (schema.enum ?? []).map((/** @type {string} */ scope) => ({ scope, description: described[scope] ?? '' }));
}

/**
 * The rate limit a key with these scopes gets when none is given: the highest of the scopes'
 * defaults, else the platform's (the spec's `Scope` `x-key-rate-limit`, as the server applies it).
 * @param {any} doc @param {string[]} chosen @returns {number}
 */
export function defaultRateLimit(doc, chosen) {
  const limits = doc?.components?.schemas?.Scope?.['x-key-rate-limit'] ?? { default: 60, scopes: {} };
  return Math.max(limits.default, ...chosen.map((s) => limits.scopes?.[s] ?? limits.default));
}

/** An error, in words, for a notice: the message, each field, and the reference for support. */
export function describeError(/** @type {unknown} */ err) {
  if (!(err instanceof ApiError)) return { message: 'Something went wrong in the page. Reload it and try again.', lines: [], reference: undefined };
  return {
    message: err.message,
    lines: err.fieldErrors.filter((f) => !err.message.includes(`${f.field} ${f.message}`)).map((f) => `${f.field.replaceAll('_', ' ')}: ${f.message}`),
    reference: err.requestId,
  };
}
