// openapi-backend parses every request four times (routing, params, validation, coercion), each
// time cloning the query deeply and compiling the operation's path template into a RegExp. This
// parse gives the same result for our spec's parameter styles with the trie's parameter
// extraction and shallow copies. assertSupportedParameters() refuses, at boot, a spec that uses a
// style it does not handle (content-typed or non-exploded query parameters).
import type { Operation, ParsedRequest, Request } from 'openapi-backend';
import type { SegmentRouter, RouteTarget } from './router';

function parseCookies(header: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of (Array.isArray(header) ? header.join('; ') : header).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/** A copy the validator may coerce in place without touching express's req.query. */
function copyQuery(query: Request['query']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!query || typeof query !== 'object') return out;
  for (const k in query) {
    if (!Object.prototype.hasOwnProperty.call(query, k)) continue;
    const v = query[k];
    out[k] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

function normalisePath(raw: string | undefined): string {
  let path = raw || '/';
  // express hands over a clean path; the general case is kept for other callers.
  if (path.includes('?')) path = path.slice(0, path.indexOf('?'));
  if (path.charCodeAt(0) === 32 || path.charCodeAt(path.length - 1) === 32) path = path.trim();
  return path.startsWith('/') ? path : `/${path}`;
}

export function fastParseRequest(router: SegmentRouter<RouteTarget>) {
  // Called four times per request by openapi-backend: built field by field (no spread of the
  // request), with the route match remembered by the router.
  return (req: Request, operation?: Operation): ParsedRequest => {
    let requestBody = req.body;
    if (req.body && typeof req.body !== 'object') {
      try {
        requestBody = JSON.parse(String(req.body));
      } catch {
        // left as sent: validation reports it
      }
    }
    const path = normalisePath(req.path);
    const method = req.method.toLowerCase();
    let params: Record<string, string> = {};
    if (operation) {
      const m = router.matchRecent(method, path);
      if (m.kind === 'found' && m.target.operationId === operation.operationId) params = m.params;
    }
    const headers = req.headers as ParsedRequest['headers']; // node already lower-cases header names
    const cookie = headers.cookie;
    return {
      method,
      path,
      params,
      headers,
      query: copyQuery(req.query) as ParsedRequest['query'],
      cookies: cookie ? parseCookies(cookie) : {},
      requestBody,
      body: req.body,
    };
  };
}

export function assertSupportedParameters(operations: Operation[]): void {
  for (const op of operations) {
    for (const p of (op.parameters ?? []) as Array<{ in?: string; name?: string; content?: unknown; explode?: boolean }>) {
      if (p.in === 'query' && (p.content || p.explode === false)) {
        throw new Error(`${op.operationId}: query parameter ${p.name} uses content/explode:false, which the request parser does not handle`);
      }
    }
  }
}
