// The Aura API's TypeScript SDK: openapi-fetch over the types openapi-typescript generates from
// the spec (generated/openapi-types.ts). No hand-written request or response types: a path,
// its parameters, its body and its answer are all checked against the spec by the compiler.
// What this file adds: the key and base URL, a retry on 429 that honours Retry-After (bounded),
// non-2xx answers thrown as AuraApiError, and `paginate` to walk every page of a list.
import createClient, { type Client, type ClientPathsWithMethod, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import type { components, paths } from '../generated/openapi-types';

export type { components, paths };
export type Schemas = components['schemas'];
export type ErrorBody = Schemas['Error'];
export type ErrorCode = Schemas['ErrorCode'];
export type ErrorDetail = Schemas['ErrorDetail'];

export interface AuraClientOptions {
  /** The API's root, e.g. `https://api.aura.example` (no `/api/v1`). */
  baseUrl: string;
  /** `ak_…`, sent as `X-API-Key`. */
  apiKey: string;
  /** How many times one request is retried after a 429 (default 2; 0: never). */
  maxRetries?: number;
  /**
   * The longest wait honoured: a 429 asking for more is thrown at once. Default 65 000 ms: the API's
   * limits are per 60-second window, counted in whole seconds, so it never asks for more than 61 s.
   */
  maxRetryDelayMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** For tests and instrumentation: the fetch used (default globalThis.fetch)… */
  fetch?: (request: Request) => Promise<Response>;
  /** …and how a retry waits (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
}

/** A non-2xx answer. `code` comes from the spec's closed list; switch on it (or on the subclass). */
export class AuraApiError extends Error {
  readonly status: number;
  /** The spec's error code; null when the answer was not the API's error envelope (e.g. a proxy's 502 page). */
  readonly code: ErrorCode | null;
  /** Quote it to support (also in the X-Request-Id header). */
  readonly requestId: string | null;
  /** Field-level problems, where the API gives them (validation). */
  readonly details: ErrorDetail[];
  /** Seconds the server asked to wait (Retry-After), when it did. */
  readonly retryAfter: number | null;
  /** The whole envelope, when there was one. */
  readonly body: ErrorBody | null;
  readonly method: string;
  readonly url: string;

  constructor(init: { status: number; body: ErrorBody | null; text: string; requestId: string | null; retryAfter: number | null; method: string; url: string }) {
    super(init.body?.error ?? `HTTP ${init.status}${init.text ? `: ${init.text.slice(0, 200)}` : ''}`);
    this.name = new.target.name;
    this.status = init.status;
    this.body = init.body;
    this.code = init.body?.code ?? null;
    this.requestId = init.body?.request_id ?? init.requestId;
    this.details = init.body?.details ?? [];
    this.retryAfter = init.retryAfter;
    this.method = init.method;
    this.url = init.url;
  }
}
/** 401: no key, or a malformed, unknown, expired or revoked one. */
export class AuraUnauthorizedError extends AuraApiError {}
/** 403: the key lacks a scope (`INSUFFICIENT_SCOPE`), or the edition has no API access (`API_ACCESS_DISABLED`). */
export class AuraForbiddenError extends AuraApiError {}
/** 429 after the retries: wait `retryAfter` seconds. */
export class AuraRateLimitError extends AuraApiError {}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

async function toError(request: Request, response: Response): Promise<AuraApiError> {
  const text = await response.text().catch(() => '');
  let body: ErrorBody | null = null;
  try {
    const parsed = JSON.parse(text) as Partial<ErrorBody>;
    if (parsed && parsed.success === false && typeof parsed.code === 'string') body = parsed as ErrorBody;
  } catch {
    // not JSON: keep the text in the message
  }
  const init = {
    status: response.status, body, text,
    requestId: response.headers.get('x-request-id'),
    retryAfter: parseRetryAfter(response.headers.get('retry-after')),
    method: request.method, url: request.url,
  };
  if (response.status === 401) return new AuraUnauthorizedError(init);
  if (response.status === 403) return new AuraForbiddenError(init);
  if (response.status === 429) return new AuraRateLimitError(init);
  return new AuraApiError(init);
}

// The methods' types: openapi-fetch's, narrowed to the success branch, since errors are thrown.
// (InitParam and RequiredKeysOf as openapi-fetch declares them; it does not export them.)
type RequiredKeysOfHelper<T> = { [K in keyof T]: Record<never, never> extends Pick<T, K> ? never : K }[keyof T];
type RequiredKeysOf<T> = RequiredKeysOfHelper<T> extends undefined ? never : RequiredKeysOfHelper<T>;
type InitParam<Init> = RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];
type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
type Media = `${string}/${string}`;
type Ok<R> = R extends { data?: never; error: unknown } ? never : R;
type Answer<Op, Init> = Op extends Record<string | number, unknown> ? Ok<FetchResponse<Op, Init, Media>> : never;
type AuraMethod<M extends HttpMethod> = <P extends ClientPathsWithMethod<Client<paths>, M>, Init extends MaybeOptionalInit<paths[P], M>>(
  url: P,
  ...init: InitParam<Init>
) => Promise<Answer<paths[P][M], Init>>;

/** openapi-fetch's client for the Aura API: `GET`, `POST`… resolve to `{ data, response }` or throw `AuraApiError`. */
export interface AuraClient {
  GET: AuraMethod<'get'>;
  POST: AuraMethod<'post'>;
  PUT: AuraMethod<'put'>;
  PATCH: AuraMethod<'patch'>;
  DELETE: AuraMethod<'delete'>;
  /** The underlying openapi-fetch client (its `use()` adds middleware). */
  raw: Client<paths>;
}

export function createAuraClient(opts: AuraClientOptions): AuraClient {
  const maxRetries = Math.max(0, opts.maxRetries ?? 2);
  const maxDelay = opts.maxRetryDelayMs ?? 65_000;
  const baseFetch = opts.fetch ?? ((r: Request) => globalThis.fetch(r));
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  // Retries live below openapi-fetch, on the Request itself: a clone per attempt keeps the body.
  async function fetchWithRetry(request: Request): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const response = await baseFetch(request.clone());
      if (response.status !== 429 || attempt >= maxRetries) return response;
      // No Retry-After (not this API, but a proxy may): 1 s, 2 s, 4 s…
      const seconds = parseRetryAfter(response.headers.get('retry-after')) ?? 2 ** attempt;
      const delay = seconds * 1000;
      if (delay > maxDelay) return response;
      await response.body?.cancel();
      await sleep(delay);
      if (request.signal?.aborted) throw request.signal.reason;
    }
  }

  const raw = createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    headers: { ...opts.headers, 'X-API-Key': opts.apiKey },
    fetch: fetchWithRetry,
  });
  raw.use({
    async onResponse({ request, response }) {
      if (!response.ok) throw await toError(request, response);
      return undefined;
    },
  });
  const client = raw as unknown as Omit<AuraClient, 'raw'>;
  return { GET: client.GET, POST: client.POST, PUT: client.PUT, PATCH: client.PATCH, DELETE: client.DELETE, raw };
}

// --- Lists ---

type Json200<Op> = Op extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;
type ListBody = { items: unknown[]; total: number; limit: number; offset: number };
/** Every path whose GET answers the list envelope `{items, total, limit, offset}`. */
export type ListPath = {
  [P in keyof paths]: paths[P] extends { get: infer Op } ? (Json200<Op> extends ListBody ? P : never) : never;
}[keyof paths];
type ListOp<P extends ListPath> = paths[P]['get'];
/** One item of the list at P. */
export type ListItem<P extends ListPath> = Json200<ListOp<P>> extends { items: Array<infer I> } ? I : never;
type Params<P extends ListPath> = ListOp<P> extends { parameters: infer X } ? X : never;
type PathParams<P extends ListPath> = Params<P> extends { path: infer X } ? ([X] extends [undefined] ? never : X) : never;

export type PaginateOptions<P extends ListPath> = {
  /** The list's filters (not `limit`/`offset`: `pageSize` and the walk own them). */
  query?: Omit<NonNullable<Params<P> extends { query?: infer Q } ? Q : never>, 'limit' | 'offset'>;
  /** Items per request, 1–200 (default 200: the fewest requests). */
  pageSize?: number;
} & ([PathParams<P>] extends [never] ? { path?: never } : { path: PathParams<P> });

/**
 * Every item of a list, page after page (`offset` moving by the page size until `total`).
 * `for await (const t of paginate(aura, '/api/v1/tickets', { query: { debut, fin } })) …`
 */
export async function* paginate<P extends ListPath>(client: AuraClient, path: P, ...[options]: [PathParams<P>] extends [never] ? [PaginateOptions<P>?] : [PaginateOptions<P>]): AsyncGenerator<ListItem<P>, void, undefined> {
  const limit = options?.pageSize ?? 200;
  // The path is generic here; the call's own types were checked at paginate's signature.
  const get = client.GET as unknown as (url: string, init: object) => Promise<{ data: ListBody }>;
  for (let offset = 0; ; ) {
    const { data } = await get(path, { params: { path: options?.path, query: { ...options?.query, limit, offset } } });
    for (const item of data.items) yield item as ListItem<P>;
    offset += data.items.length;
    if (data.items.length === 0 || offset >= data.total) return;
  }
}
