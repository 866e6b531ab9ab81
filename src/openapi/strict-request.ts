// What request validation checks beyond the spec's schemas as Ajv reads them, for every operation
// from its spec, so that what PostgreSQL cannot take is a 400 naming the field, not a database error:
// - integer query parameters in decimal digits only: Ajv's coerceTypes turns any string JavaScript
//   reads as a number into one (`0x10`, `0b11`, `1e2`, ` 5`, `+5`, `5.0` were accepted);
// - a parameter given twice (`?limit=1&limit=2`) says so (it was "limit must be integer");
// - no NUL character (U+0000) in any query value or JSON string, keys included: URLs and JSON allow
//   it, PostgreSQL text and jsonb do not.
// The errors join Ajv's (every problem of the request is named, as before), in Ajv's shape.
import type { ErrorObject } from 'ajv';
import type { Operation, OpenAPIValidator } from 'openapi-backend';
import { strings } from '../http/unstorable';

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
const NUL = '\u0000';
/** A body full of NULs is named by its first few fields, not one detail per string. */
const MAX_NUL_ERRORS = 10;

const MESSAGES = {
  decimal: 'must be an integer written in decimal digits (0-9)',
  twice: 'was given more than once; send it once',
  nul: 'contains a NUL character (U+0000), which cannot be stored',
};

const pointer = (loc: Array<string | number>) => loc.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
const error = (loc: Array<string | number>, keyword: string, message: string, params: Record<string, unknown> = {}): ErrorObject => ({
  keyword,
  instancePath: pointer(loc),
  schemaPath: `#${pointer(loc)}`,
  params,
  message,
});

function queryRules(operations: Operation[]): Map<string, QueryRule[]> {
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
  return rules;
}

/** Wraps the validator's request check with the rules above (a hook, not a second pipeline). */
export function enforceStrictRequests(validator: OpenAPIValidator, operations: Operation[]): void {
  const rules = queryRules(operations);
  const validateRequest = validator.validateRequest.bind(validator);
  validator.validateRequest = (req, operation) => {
    const result = validateRequest(req, operation);
    const id = typeof operation === 'string' ? operation : operation?.operationId;
    const query = (req.query && typeof req.query === 'object' ? req.query : {}) as Record<string, string | string[] | undefined>;
    const ours: ErrorObject[] = [];
    // Replaces Ajv's own error for the same parameter ("must be integer" for a repeated one).
    const replaced = new Set<string>();
    for (const { name, single, integer } of (id && rules.get(id)) || []) {
      if (!Object.prototype.hasOwnProperty.call(query, name)) continue;
      const value = query[name];
      const values = Array.isArray(value) ? value : [value];
      let e: ErrorObject | undefined;
      if (single && Array.isArray(value)) e = error(['query', name], 'type', MESSAGES.twice, { count: value.length });
      else if (integer && values.some((v) => typeof v !== 'string' || !DECIMAL.test(v))) e = error(['query', name], 'type', MESSAGES.decimal, { type: 'integer' });
      if (e) {
        ours.push(e);
        replaced.add(e.instancePath);
      }
    }
    const nuls: ErrorObject[] = [];
    for (const name of Object.keys(query)) {
      const values = Array.isArray(query[name]) ? (query[name] as string[]) : [query[name]];
      if (name.includes(NUL) || values.some((v) => typeof v === 'string' && v.includes(NUL))) nuls.push(error(['query', name], 'format', MESSAGES.nul));
    }
    if (req.body !== null && typeof req.body === 'object') {
      for (const [where, s] of strings(req.body, 'requestBody')) {
        if (nuls.length >= MAX_NUL_ERRORS) break;
        if (s.includes(NUL)) nuls.push(error(where(), 'format', MESSAGES.nul));
      }
    } else if (typeof req.body === 'string' && req.body.includes(NUL)) nuls.push(error(['requestBody'], 'format', MESSAGES.nul));
    if (!ours.length && !nuls.length) return result;
    const theirs = (result.errors ?? []).filter((e) => !replaced.has(e.instancePath) && !replaced.has(e.instancePath.split('/').slice(0, 3).join('/')));
    return { ...result, valid: false, errors: [...ours, ...theirs, ...nuls] };
  };
}
