// openapi-backend parses every request four times (routing, params, validation, coercion), each
// time cloning the query deeply and compiling the operation's path template into a RegExp. This
// parse gives the same result for our spec's parameter styles with the trie's parameter
// extraction and shallow copies. assertSupportedParameters() refuses, at boot, a spec that uses a
// style it does not handle (content-typed or non-exploded query parameters).
import type { ErrorObject } from 'ajv';
import type { Operation, OpenAPIValidator, ParsedRequest, Request } from 'openapi-backend';
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

interface QueryRule {
  name: string;
  /** A single value: a second one is refused (an array schema takes many). */
  single: boolean;
  /** Integer values (the parameter's, or its items'): decimal digits only. */
  integer: boolean;
}

const typesOf = (schema: unknown): string[] => {
  const t = (schema as { type?: unknown } | undefined)?.type;
  return Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
};

/** Decimal digits, with an optional minus sign (so a negative number gets the range message). */
const DECIMAL = /^-?[0-9]+$/;

const queryError = (name: string, message: string, params: Record<string, unknown>): ErrorObject => ({
  keyword: 'type',
  instancePath: `/query/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
  schemaPath: `#/properties/query/properties/${name}/type`,
  params,
  message,
});

/**
 * Query parameters read strictly, for every operation from its spec. Ajv's coerceTypes turns any
 * string JavaScript reads as a number into one (`0x10`, `0b11`, `1e2`, ` 5`, `+5`, `5.0`), and a
 * parameter given twice (`?limit=1&limit=2`) failed with "limit must be integer". Both are refused
 * here, naming the parameter, before Ajv sees the request (its own error for it is then dropped).
 */
export function enforceStrictQuery(validator: OpenAPIValidator, operations: Operation[]): void {
  const rules = new Map<string, QueryRule[]>();
  for (const op of operations) {
    const list: QueryRule[] = [];
    for (const p of (op.parameters ?? []) as Array<{ in?: string; name?: string; schema?: { items?: unknown } }>) {
      if (p.in !== 'query' || !p.name) continue;
      const types = typesOf(p.schema);
      const single = !types.includes('array');
      const integer = single ? types.includes('integer') : typesOf(p.schema?.items).includes('integer');
      list.push({ name: p.name, single, integer });
    }
    if (list.length) rules.set(op.operationId as string, list);
  }
  const validateRequest = validator.validateRequest.bind(validator);
  validator.validateRequest = (req, operation) => {
    const result = validateRequest(req, operation);
    const id = typeof operation === 'string' ? operation : operation?.operationId;
    const list = id ? rules.get(id) : undefined;
    const query = req.query as Record<string, string | string[] | undefined> | undefined;
    if (!list || !query || typeof query !== 'object') return result;
    const ours: ErrorObject[] = [];
    for (const { name, single, integer } of list) {
      if (!Object.prototype.hasOwnProperty.call(query, name)) continue;
      const value = query[name];
      if (single && Array.isArray(value)) ours.push(queryError(name, 'was given more than once; send it once', { count: value.length }));
      else if (integer && (Array.isArray(value) ? value : [value]).some((v) => typeof v !== 'string' || !DECIMAL.test(v))) {
        ours.push(queryError(name, 'must be an integer written in decimal digits (0-9)', { type: 'integer' }));
      }
    }
    if (!ours.length) return result;
    const named = new Set(ours.map((e) => e.instancePath));
    const rest = (result.errors ?? []).filter((e) => !named.has(e.instancePath) && !named.has(e.instancePath.split('/').slice(0, 3).join('/')));
    return { ...result, valid: false, errors: [...ours, ...rest] };
  };
}
