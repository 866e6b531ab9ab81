// CORS for browser callers of /api/* and /health (booking widgets, web apps): only the configured
// origins (CORS_ALLOWED_ORIGINS), each echoed exactly — never `*`, never
// Access-Control-Allow-Credentials (cookies never cross origins; the console is same-origin).
// A preflight is answered here, before the API pipeline: no credential, no database.
// Our own few lines rather than the `cors` package: it treats every OPTIONS as a preflight, and
// with an allow-list it either answers a refused origin's preflight 204 with the allowed methods
// and headers or, through an origin callback, drops `Vary: Origin` for it.
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors';

/** Request headers a cross-origin caller may send (the session's X-CSRF-Token is not one). */
const ALLOWED_HEADERS = 'Authorization, X-API-Key, Content-Type, Idempotency-Key, X-Request-Id';
/** Seconds a browser may keep a preflight's answer (Chromium caps it at 7200). */
const MAX_AGE_SECONDS = 7200;
/** Response headers a browser shows a page without being told (the CORS-safelisted ones). */
const SAFELISTED = new Set(['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma']);

interface SpecLike {
  paths?: Record<string, Record<string, unknown>>;
  components?: { headers?: Record<string, unknown>; responses?: Record<string, unknown> };
}
type ResponseLike = { headers?: Record<string, unknown> } | undefined;

/** The methods the spec has, and every response header it documents (the rate-limit ones, X-Request-Id, Retry-After…). */
export function corsPolicyFromSpec(spec: SpecLike): { methods: string[]; exposedHeaders: string[] } {
  const methods = new Set<string>();
  const headers = new Set(Object.keys(spec.components?.headers ?? {}));
  const collect = (r: unknown) => Object.keys((r as ResponseLike)?.headers ?? {}).forEach((n) => headers.add(n));
  Object.values(spec.components?.responses ?? {}).forEach(collect);
  for (const item of Object.values(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      const responses = (op as { responses?: Record<string, unknown> })?.responses;
      if (!responses) continue;
      methods.add(method.toUpperCase());
      Object.values(responses).forEach(collect);
    }
  }
  return { methods: [...methods].sort(), exposedHeaders: [...headers].filter((h) => !SAFELISTED.has(h.toLowerCase())).sort() };
}

export function cors(allowedOrigins: readonly string[], policy: { methods: string[]; exposedHeaders: string[] }) {
  const allowed = new Set(allowedOrigins);
  const allowMethods = policy.methods.join(', ');
  const exposeHeaders = policy.exposedHeaders.join(', ');
  return function corsStep(req: Request, res: Response, next: NextFunction): void {
    const origin = req.headers.origin;
    const isAllowed = origin !== undefined && allowed.has(origin);
    // Whether a response carries the CORS headers depends on Origin: a shared cache must know.
    if (allowed.size) res.vary('Origin');
    if (isAllowed) res.setHeader('Access-Control-Allow-Origin', origin);
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined;
    if (preflight) {
      if (!isAllowed) {
        // A refusal a developer can read in the network panel; the browser blocks the call either way.
        return next(new ApiError('FORBIDDEN', `The origin ${origin.slice(0, 200)} may not call this API from a browser: it is not in the server's allowed origins (CORS_ALLOWED_ORIGINS)`));
      }
      res.setHeader('Access-Control-Allow-Methods', allowMethods);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', String(MAX_AGE_SECONDS));
      res.status(204).end();
      return;
    }
    if (isAllowed) res.setHeader('Access-Control-Expose-Headers', exposeHeaders);
    next();
  };
}
