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
  if (!query || typeof query !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}

export function fastParseRequest(router: SegmentRouter<RouteTarget>) {
  return (req: Request, operation?: Operation): ParsedRequest => {
    let requestBody = req.body;
    if (req.body && typeof req.body !== 'object') {
      try {
        requestBody = JSON.parse(String(req.body));
      } catch {
        // left as sent: validation reports it
      }
    }
    let path = (req.path || '/').trim().split('?')[0];
    if (!path.startsWith('/')) path = `/${path}`;
    const method = req.method.trim().toLowerCase();
    let params: Record<string, string> = {};
    if (operation) {
      const m = router.match(method, path);
      if (m.kind === 'found' && m.target.operationId === operation.operationId) params = m.params;
    }
    const headers = req.headers as ParsedRequest['headers']; // node already lower-cases header names
    return { ...req, path, method, params, headers, query: copyQuery(req.query) as ParsedRequest['query'], cookies: parseCookies(headers.cookie), requestBody };
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
