// Schemathesis-style request generation from the bundled spec, with fast-check: for any operation,
// requests whose parameters and body satisfy the schemas ("valid" — the server may still refuse
// them on business grounds), and requests with exactly one planted defect whose location is
// known ("invalid" — the server must answer 400 naming that location in details[].loc).
// No per-operation code: everything is read from generated/openapi.json.
import fc from 'fast-check';
import { loadSpec } from '../../src/app';
import type { SpecOp } from './spec-ops';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;
export type Loc = Array<string | number>;

const spec = loadSpec() as unknown as Json;

function resolve(node: Json | undefined): Json {
  let n = node ?? {};
  while (n && typeof n.$ref === 'string') {
    n = n.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o: Json, k: string) => o[k], spec);
  }
  return n;
}

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Json;
}

export interface FuzzOp extends SpecOp {
  params: Param[];
  bodySchema?: Json;
  bodyRequired: boolean;
}

export function fuzzOp(op: SpecOp): FuzzOp {
  const raw = resolve(spec.paths[op.path][op.method]);
  const params = ((raw.parameters ?? []) as Json[]).map(resolve).map((p) => ({ name: p.name, in: p.in, required: Boolean(p.required), schema: resolve(p.schema) }) as Param);
  const body = raw.requestBody ? resolve(raw.requestBody) : undefined;
  const bodySchema = body?.content?.['application/json']?.schema;
  return { ...op, params, bodySchema: bodySchema ? resolve(bodySchema) : undefined, bodyRequired: Boolean(body?.required) };
}

// ------------------------------------------------------------------------------------ strings

/** Strings that have broken other servers: injection, encodings, Unicode oddities. */
export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE api_keys; --",
  '" OR ""="',
  "1; SELECT pg_sleep(5)--",
  "') UNION SELECT key_hash FROM api_keys --",
  '$1',
  '%s%s%s%n',
  '{"$gt": ""}',
  '{"a":',
  '[]',
  '\\',
  '\\u0000',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uFEFFbom',
  '\u202Egnp.exe',
  'Ｆｕｌｌｗｉｄｔｈ',
  '𝕿𝖊𝖘𝖙',
  '🙂',
  '👩‍👩‍👧‍👦',
  'e\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\r\nX-Injected: 1',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '${7*7}',
  '{{7*7}}',
  'null',
  'undefined',
  'true',
  '-1',
  '1e309',
  'NaN',
  '__proto__',
  'constructor',
  ' ',
  '\t',
];

/** A UTF-16 surrogate without its pair: valid in JSON text, not Unicode (the API refuses it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Fits a string to [min, max] code points (JSON Schema counts code points, not UTF-16 units). */
function fit(s: string, min: number, max: number): string {
  let cps = [...s];
  if (cps.length > max) cps = cps.slice(0, max);
  while (cps.length < min) cps.push('a');
  return cps.join('');
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate() || [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];

/** RFC 3339 full-date, any year the API accepts (0001–9999: PostgreSQL has no year 0). */
const dateArb = fc
  .record({ y: fc.oneof(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 9999 })), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const max = m === 2 ? (leap ? 29 : 28) : daysIn(2001, m);
    return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(Math.min(d, max))}`;
  });

/** RFC 3339 date-time: fractions, lower-case t/z, offsets the API accepts (±15:59, as PostgreSQL). */
const dateTimeArb = fc
  .record({
    date: dateArb,
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    frac: fc.option(fc.integer({ min: 0, max: 999999 }).map((n) => `.${n}`), { nil: '' }),
    t: fc.constantFrom('T', 't'),
    tz: fc.oneof(fc.constantFrom('Z', 'z', '+00:00'), fc.record({ sign: fc.constantFrom('+', '-'), h: fc.integer({ min: 0, max: 15 }), m: fc.integer({ min: 0, max: 59 }) }).map((o) => `${o.sign}${pad2(o.h)}:${pad2(o.m)}`)),
  })
  .map((p) => `${p.date}${p.t}${pad2(p.h)}:${pad2(p.mi)}:${pad2(p.s)}${p.frac}${p.tz}`);

const uuidArb = fc.oneof(
  { weight: 6, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
  { weight: 1, arbitrary: fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff') },
);

// The URN form is refused too: PostgreSQL's uuid reads it, but the spec promises the plain form.
const BAD_UUIDS = ['not-a-uuid', `urn:uuid:${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`, '123', '00000000-0000-0000-0000-00000000000', '00000000-0000-0000-0000-0000000000000', '{00000000-0000-0000-0000-000000000000}', '00000000000000000000000000000000', 'g0000000-0000-0000-0000-000000000000', "1' OR '1'='1", '%00', '..%2F..%2Fetc', '🙂'];
const BAD_DATE_TIMES = ['yesterday', 'now', '2026-05-10', '2026-05-10T25:00:00Z', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-05-10 10:00', '10/05/2026', '1715300000', '2026-05-10T10:00:00+24:00', '2026-05-10T10:00:00+16:00', '0000-05-10T10:00:00Z', '+275760-09-13T00:00:00Z', "2026-05-10T00:00:00Z' OR 1=1--"];
const BAD_DATES = ['2026-02-30', '2026-13-01', '2026-5-1', '10/05/2026', '2026-05-10T00:00:00Z', 'today', '20260510', '0000-00-00', '0000-05-10', "2026-05-10'; --"];

function badFormat(format: string): string[] | undefined {
  return { uuid: BAD_UUIDS, 'date-time': BAD_DATE_TIMES, date: BAD_DATES }[format];
}

// -------------------------------------------------------------------------- types and values

function typesOf(schema: Json): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.enum) return [...new Set(schema.enum.map((v: unknown) => (v === null ? 'null' : typeof v)))] as string[];
  return [];
}

function matchesType(value: unknown, types: string[]): boolean {
  return types.some((t) => {
    switch (t) {
      case 'null':
        return value === null;
      case 'integer':
        return typeof value === 'number' && Number.isInteger(value);
      case 'number':
        return typeof value === 'number';
      case 'array':
        return Array.isArray(value);
      case 'object':
        return typeof value === 'object' && value !== null && !Array.isArray(value);
      default:
        return typeof value === t;
    }
  });
}

const SAMPLE_VALUES: unknown[] = [null, true, false, 0, 42, -7, 1.5, 'text', '42', [], [1, 'a'], {}, { a: 1 }];

function stringArb(schema: Json): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.const !== undefined) return fc.constant(schema.const);
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  if (schema.format === 'uuid') return uuidArb;
  if (schema.format === 'date-time') return dateTimeArb;
  if (schema.format === 'date') return dateArb;
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  const small = Math.min(max, 40);
  const examples = ((schema.examples ?? []) as unknown[]).filter((e): e is string => typeof e === 'string');
  return fc
    .oneof(
      // The spec's own examples (e.g. a webhook URL the handler accepts) reach the success paths.
      ...(examples.length ? [{ weight: 3, arbitrary: fc.constantFrom(...examples) }] : []),
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 0, maxLength: small }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 0, maxLength: small }) },
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
      // Exactly at the limit, in astral characters: 2 UTF-16 units and 4 UTF-8 bytes each.
      { weight: 1, arbitrary: fc.constantFrom('a', '🙂', 'é', '\u0000').map((c) => c.repeat(max === 200 && !schema.maxLength ? 50 : max)) },
    )
    .map((s) => fit(s.replace(LONE_SURROGATE, '\uFFFD'), min, max));
}

function integerArb(schema: Json): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -(2 ** 31));
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 2 ** 31);
  return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
}

/** A value satisfying the schema. */
export function validValue(schemaIn: Json): fc.Arbitrary<unknown> {
  const schema = resolve(schemaIn);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.oneOf || schema.anyOf) return fc.oneof(...((schema.oneOf ?? schema.anyOf) as Json[]).map(validValue));
  const types = typesOf(schema);
  const arbs = types.map((t): fc.Arbitrary<unknown> => {
    switch (t) {
      case 'null':
        return fc.constant(null);
      case 'string':
        return stringArb(schema);
      case 'integer':
        return integerArb(schema);
      case 'number':
        return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const items = validValue(schema.items ?? {});
        const minLength = schema.minItems ?? 0;
        const maxLength = Math.min(schema.maxItems ?? minLength + 4, minLength + 4);
        return schema.uniqueItems ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) }) : fc.array(items, { minLength, maxLength });
      }
      case 'object':
        return objectArb(schema);
      default:
        return fc.constantFrom(...SAMPLE_VALUES);
    }
  });
  return arbs.length ? fc.oneof(...arbs) : fc.constantFrom(...SAMPLE_VALUES);
}

function objectArb(schema: Json): fc.Arbitrary<Json> {
  const props = (schema.properties ?? {}) as Json;
  const required = new Set<string>(schema.required ?? []);
  const names = Object.keys(props);
  const entries = names.map((n) => fc.tuple(fc.constant(n), required.has(n) ? validValue(props[n]) : fc.option(validValue(props[n]), { nil: undefined, freq: 2 })));
  return fc.tuple(...entries).chain((pairs) => {
    const obj: Json = {};
    for (const [n, v] of pairs) if (v !== undefined) obj[n] = v;
    const missing = (schema.minProperties ?? 0) - Object.keys(obj).length;
    if (missing <= 0 || names.length === 0) return fc.constant(obj);
    const absent = names.filter((n) => !(n in obj));
    return fc.tuple(...absent.slice(0, missing).map((n) => validValue(props[n]))).map((vals) => {
      absent.slice(0, missing).forEach((n, i) => (obj[n] = vals[i]));
      return obj;
    });
  });
}

export interface Defect {
  value: unknown;
  /** Where, relative to the value given: the server's details[].loc must end the same way. */
  at: Loc;
  what: string;
}

/** Field names that must be refused like any other unknown field (and not pollute a prototype). */
const EXTRA_NAMES = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'admin', 'org_id', 'id', 'is_admin', '', ' ', '🙂', 'a.b', 'name '), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }));

/** Sets an own property, even "__proto__" (which a plain assignment would turn into a prototype). */
export function setOwn(obj: Json, name: string, value: unknown): void {
  Object.defineProperty(obj, name, { value, enumerable: true, configurable: true, writable: true });
}

/**
 * A value violating the schema in one known place. `context` says how it travels: JSON (body)
 * values keep their type; query and path values are strings in the URL.
 */
export function invalidValue(schemaIn: Json, context: 'json' | 'text'): fc.Arbitrary<Defect> | undefined {
  const schema = resolve(schemaIn);
  const types = typesOf(schema);
  const options: Array<fc.Arbitrary<Defect>> = [];
  const text = context === 'text';

  if (!text && types.length) {
    const wrong = SAMPLE_VALUES.filter((v) => !matchesType(v, types) && !(schema.enum ?? []).includes(v));
    if (wrong.length) options.push(fc.constantFrom(...wrong).map((value) => ({ value, at: [], what: `wrong type (${JSON.stringify(value)})` })));
  }
  if (schema.enum) {
    const allowed = new Set((schema.enum as unknown[]).map(String));
    const variants = (schema.enum as unknown[]).flatMap((v) => [String(v).toUpperCase(), ` ${String(v)}`, `${String(v)}\u0000`, `${String(v)}s`]);
    const candidates = [...variants, ...HOSTILE_STRINGS].filter((s) => !allowed.has(s) && s !== '');
    if (types.includes('string') || text) options.push(fc.constantFrom(...candidates).map((value) => ({ value, at: [], what: 'not in the enum' })));
  }
  if (types.includes('string') && !schema.enum) {
    if (schema.maxLength !== undefined) {
      options.push(
        fc.record({ extra: fc.integer({ min: 1, max: 20 }), c: fc.constantFrom('x', '🙂', 'é') }).map(({ extra, c }) => ({ value: c.repeat(schema.maxLength + extra), at: [], what: `over maxLength ${schema.maxLength}` })),
      );
    }
    if (schema.minLength) options.push(fc.constant({ value: 'x'.repeat(schema.minLength - 1), at: [], what: `under minLength ${schema.minLength}` }));
    if (!text) options.push(fc.constantFrom('\uD800', 'ok\uDFFF', '\uDBFF\uDBFF').map((value) => ({ value, at: [], what: 'lone surrogate' })));
    const bad = schema.format ? badFormat(schema.format) : undefined;
    if (bad) options.push(fc.constantFrom(...bad).map((value) => ({ value, at: [], what: `not a ${schema.format}` })));
  }
  if (types.includes('integer') || types.includes('number')) {
    const min = schema.minimum;
    const max = schema.maximum;
    if (min !== undefined) options.push(fc.integer({ min: min - 1000, max: min - 1 }).map((n) => ({ value: text ? String(n) : n, at: [], what: `below minimum ${min}` })));
    if (max !== undefined) {
      options.push(fc.oneof(fc.integer({ min: max + 1, max: max + 1000 }), fc.constantFrom(max + 1, 1e12, 2 ** 53, 1e300)).map((n) => ({ value: text ? String(n) : n, at: [], what: `above maximum ${max}` })));
    }
    if (types.includes('integer') && !types.includes('number')) {
      options.push(fc.constantFrom(1.5, 0.1, -2.5).map((n) => ({ value: text ? String(n) : n, at: [], what: 'not an integer' })));
    }
    if (text) options.push(fc.constantFrom('abc', 'ten', '1,5', '--1', 'Infinity', 'NaN', '1e400', 'null', '5 OR 1=1', '１').map((value) => ({ value, at: [], what: 'not a number' })));
  }
  if (types.includes('boolean') && text) options.push(fc.constantFrom('yes', 'no', 'TRUE', 'False', '2', 'null', 'on', "true' --").map((value) => ({ value, at: [], what: 'not a boolean' })));
  if (types.includes('array') && !text) {
    if (schema.minItems) options.push(fc.constant({ value: [], at: [], what: `under minItems ${schema.minItems}` }));
    const itemSchema = resolve(schema.items ?? {});
    if (schema.uniqueItems) options.push(validValue(itemSchema).map((v) => ({ value: [v, v], at: [], what: 'duplicate items' })));
    const bad = invalidValue(itemSchema, 'json');
    if (bad) {
      options.push(
        fc.tuple(fc.array(validValue(itemSchema), { maxLength: 2 }), bad).map(([ok, d]) => {
          const value = schema.uniqueItems ? [...new Map(ok.map((v) => [JSON.stringify(v), v])).values()] : ok;
          return { value: [...value, d.value], at: [value.length, ...d.at], what: `item: ${d.what}` };
        }),
      );
    }
  }
  if (types.includes('object') && !text) {
    const props = (schema.properties ?? {}) as Json;
    const required: string[] = schema.required ?? [];
    const base = objectArb(schema);
    if (required.length) {
      options.push(
        fc.tuple(base, fc.constantFrom(...required)).map(([obj, name]) => {
          const copy = { ...obj };
          delete copy[name];
          return { value: copy, at: [name], what: `missing required ${name}` };
        }),
      );
    }
    if (schema.additionalProperties === false) {
      options.push(
        fc.tuple(base, EXTRA_NAMES.filter((n) => !(n in props)), validValue({})).map(([obj, name, v]) => {
          const copy = { ...obj };
          setOwn(copy, name, v);
          return { value: copy, at: [name], what: `unknown field ${JSON.stringify(name)}` };
        }),
      );
    }
    if (schema.minProperties) options.push(fc.constant({ value: {}, at: [], what: 'no properties' }));
    for (const name of Object.keys(props)) {
      const bad = invalidValue(props[name], 'json');
      if (!bad) continue;
      options.push(
        fc.tuple(base, bad).map(([obj, d]) => {
          const copy = { ...obj };
          copy[name] = d.value;
          return { value: copy, at: [name, ...d.at], what: `${name}: ${d.what}` };
        }),
      );
    }
  }
  return options.length ? fc.oneof(...options) : undefined;
}

// ------------------------------------------------------------------------------------ requests

export interface GeneratedRequest {
  kind: 'valid' | 'invalid';
  path: Record<string, string>;
  /** Name/value pairs, in order; a name may repeat (duplicated parameter). */
  query: Array<[string, string]>;
  /** undefined: no body. `raw`: sent as is (malformed JSON). */
  body?: { json: unknown } | { raw: string };
  /** invalid only: the loc the error must name, and what was planted. */
  loc?: Loc;
  what?: string;
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Percent-encodes every byte outside the unreserved set (lone surrogates become U+FFFD, as UTF-8 does). */
export function pct(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function urlOf(op: FuzzOp, r: GeneratedRequest): string {
  // A path value is one segment: "." and ".." would be resolved away by a client, so encode the dots.
  const seg = (v: string) => (v === '.' || v === '..' ? v.replace(/\./g, '%2E') : pct(v));
  const path = op.path.replace(/\{(\w+)\}/g, (_, n) => seg(r.path[n] ?? ''));
  const qs = r.query.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
  return qs ? `${path}?${qs}` : path;
}

/**
 * Requests for the op. `ids(name)` offers real ids for a path parameter (so valid requests reach
 * the handlers' found paths, not only their 404s).
 */
export function requestArb(op: FuzzOp, ids: (param: string) => string[]): fc.Arbitrary<GeneratedRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');

  const pathArb = fc.tuple(
    ...pathParams.map((p) => {
      const known = ids(p.name);
      const gen = validValue(p.schema).map(asText);
      return fc.tuple(fc.constant(p.name), known.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: gen }) : gen);
    }),
  );
  const queryArb = fc.tuple(...queryParams.map((p) => fc.tuple(fc.constant(p.name), p.required ? validValue(p.schema).map(asText) : fc.option(validValue(p.schema).map(asText), { nil: undefined }))));
  const bodyArb: fc.Arbitrary<unknown> = op.bodySchema ? (op.bodyRequired ? validValue(op.bodySchema) : fc.option(validValue(op.bodySchema), { nil: undefined })) : fc.constant(undefined);

  const valid = fc.tuple(pathArb, queryArb, bodyArb).map(([path, query, body]): GeneratedRequest => ({
    kind: 'valid',
    path: Object.fromEntries(path),
    query: query.filter((q): q is [string, string] => q[1] !== undefined),
    body: body === undefined ? undefined : { json: body },
  }));

  // One defect, planted in a valid request.
  const defects: Array<fc.Arbitrary<(r: GeneratedRequest) => GeneratedRequest>> = [];
  for (const p of pathParams) {
    const bad = fc.oneof(fc.constantFrom(...BAD_UUIDS.filter((u) => !u.includes('%'))), (invalidValue(p.schema, 'text') ?? fc.constant({ value: 'x' })).map((d) => asText(d.value)));
    defects.push(bad.filter((v) => v !== '').map((v) => (r) => ({ ...r, kind: 'invalid', path: { ...r.path, [p.name]: v }, loc: ['path', p.name], what: `path ${p.name} = ${JSON.stringify(v)}` })));
  }
  for (const p of queryParams) {
    const bad = invalidValue(p.schema, 'text');
    if (bad) {
      defects.push(bad.map((d) => (r) => ({ ...r, kind: 'invalid', query: [...r.query.filter(([k]) => k !== p.name), [p.name, asText(d.value)]], loc: ['query', p.name], what: `query ${p.name}: ${d.what}` })));
    }
    // The same parameter twice (?limit=10&limit=20): an array where one value is expected.
    defects.push(validValue(p.schema).map(asText).map((v) => (r) => ({ ...r, kind: 'invalid', query: [...r.query.filter(([k]) => k !== p.name), [p.name, v], [p.name, v]], loc: ['query', p.name], what: `query ${p.name} twice` })));
  }
  // A parameter the operation does not have.
  defects.push(
    fc.tuple(EXTRA_NAMES.filter((n) => n !== '' && !queryParams.some((p) => p.name === n)), fc.string({ maxLength: 10 })).map(([name, v]) => (r) => ({ ...r, kind: 'invalid', query: [...r.query, [name, v]], loc: ['query', name], what: `unknown query parameter ${JSON.stringify(name)}` })),
  );
  if (op.bodySchema) {
    const bad = invalidValue(op.bodySchema, 'json');
    if (bad) defects.push(bad.map((d) => (r) => ({ ...r, kind: 'invalid', body: { json: d.value }, loc: ['body', ...d.at], what: `body: ${d.what}` })));
    defects.push(
      fc
        .constantFrom('{', '{"a":', '[1,', '{"email": "a@b.c",}', "{'a': 1}", 'nul', '{"a": NaN}', '{"a": 1} {"b": 2}', '\u0000', '{"a":"\\x41"}')
        .map((raw) => (r) => ({ ...r, kind: 'invalid', body: { raw }, loc: ['body'], what: `malformed JSON ${JSON.stringify(raw)}` })),
    );
    if (op.bodyRequired) defects.push(fc.constant((r: GeneratedRequest) => ({ ...r, kind: 'invalid' as const, body: undefined, loc: ['body'], what: 'no body' })));
  }
  const invalid = fc.tuple(valid, fc.oneof(...defects)).map(([r, plant]) => plant(r));
  return fc.oneof({ weight: 2, arbitrary: valid }, { weight: 3, arbitrary: invalid });
}
/* eslint-enable @typescript-eslint/no-explicit-any */
