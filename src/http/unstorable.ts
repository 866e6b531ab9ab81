// Input the spec's schemas accept but PostgreSQL cannot take, found by the spec fuzzer (tests/fuzz):
// - a query parameter named `__proto__`: copied into a plain object it vanished instead of being
//   refused like any other unknown parameter (200 where every other unknown name gets a 400);
// - values of a valid format that PostgreSQL refuses: a NUL character (U+0000) in any string (JSON
//   allows it, PostgreSQL text does not: a 500 before), a UUID in its URN form (`urn:uuid:…`, which
//   ajv-formats accepts), the year 0000, a UTC offset past ±15:59 (RFC 3339 allows ±23:59: a 500
//   before). The SQLSTATE table (src/errors.ts) makes them a 400; nameRefusedValue() names the
//   field that held the value, as request validation names the others;
// - a JSON body with a lone surrogate escape ("\ud800"): refused like malformed JSON.
import type { NextFunction, Request, Response } from 'express';
import { operationInfo, type OperationId } from '../../generated/operations';
import { ApiError, type ErrorDetail } from '../errors';

type Loc = Array<string | number>;

interface Place {
  parent?: Place;
  key: string | number;
}
const locOf = (p: Place): Loc => {
  const loc: Loc = [];
  for (let q: Place | undefined = p; q; q = q.parent) loc.unshift(q.key);
  return loc;
};

/**
 * Every string (keys too) of a JSON value, with where it is. Iterative, and a location is built
 * only when asked for: any depth (a 50,000-deep body fits in 100 kB) costs linear time.
 */
function* strings(root: unknown, base: string): Generator<[() => Loc, string]> {
  const stack: Array<[Place, unknown]> = [[{ key: base }, root]];
  while (stack.length) {
    const [place, v] = stack.pop()!;
    if (typeof v === 'string') yield [() => locOf(place), v];
    else if (Array.isArray(v)) v.forEach((item, i) => stack.push([{ parent: place, key: i }, item]));
    else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        const child = { parent: place, key: k };
        yield [() => locOf(child), k];
        stack.push([child, item]);
      }
    }
  }
}

function queryEntries(query: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    for (const s of Array.isArray(v) ? v : [v]) out.push([k, String(s)]);
  }
  return out;
}

/**
 * A query parameter named `__proto__` is refused like any unknown parameter: the request parser
 * copies the query into a plain object, where that name sets the prototype and vanishes (200).
 */
export function refuseProtoQuery(req: Request, _res: Response, next: NextFunction): void {
  if (req.query && Object.prototype.hasOwnProperty.call(req.query, '__proto__')) {
    return next(new ApiError('VALIDATION_ERROR', '__proto__ is not an accepted parameter', { details: [{ loc: ['query', '__proto__'], msg: 'is not an accepted field', type: 'additionalProperties' }] }));
  }
  next();
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A JSON body whose strings are not Unicode text ("\ud800", a lone surrogate escape: valid JSON,
 * but no UTF-8 can carry it) is refused like malformed JSON, naming the field: PostgreSQL jsonb
 * refused it (a 400 naming nothing) and text columns silently stored U+FFFD instead.
 */
export function refuseLoneSurrogates(req: Request, _res: Response, next: NextFunction): void {
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object') {
    for (const [where, s] of strings(req.body, 'body')) {
      if (LONE_SURROGATE.test(s)) {
        const loc = where();
        return next(new ApiError('VALIDATION_ERROR', `${loc.slice(1).join('.')} is not valid Unicode text`, { details: [{ loc, msg: 'is not valid Unicode text (lone surrogate)', type: 'parse' }] }));
      }
    }
  } else if (typeof req.body === 'string' && LONE_SURROGATE.test(req.body)) {
    return next(new ApiError('VALIDATION_ERROR', 'The request body is not valid Unicode text', { details: [{ loc: ['body'], msg: 'is not valid Unicode text (lone surrogate)', type: 'parse' }] }));
  }
  next();
}

const pathOf = (operationId: string | undefined): string | undefined => (operationId ? operationInfo[operationId as OperationId]?.path : undefined);

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Where in the request a value is: path parameters (by the operation's template), query, body. */
function locate(req: Request, operationId: string | undefined, match: (v: string) => boolean): Loc | undefined {
  const template = pathOf(operationId);
  if (template) {
    const names = template.split('/');
    const sent = req.path.split('/');
    for (let i = 0; i < names.length; i++) {
      const m = /^\{(.+)\}$/.exec(names[i]);
      if (m && sent[i] !== undefined && match(decode(sent[i]))) return ['path', m[1]];
    }
  }
  for (const [name, v] of queryEntries(req.query)) if (match(v)) return ['query', name];
  if (req.body !== undefined) for (const [where, s] of strings(req.body, 'body')) if (match(s)) return where();
  return undefined;
}

/**
 * A VALIDATION_ERROR made from a PostgreSQL input error carries no field: PostgreSQL quotes the
 * value it refused (`invalid input syntax for type uuid: "urn:uuid:…"`), so find it in the request
 * and name it, as request validation would have.
 */
export function nameRefusedValue(apiError: ApiError, cause: unknown, req: Request, operationId: string | undefined): ApiError {
  if (apiError.code !== 'VALIDATION_ERROR' || apiError.options.details?.length) return apiError;
  const e = cause as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code !== 'string' || !e.code.startsWith('22') || typeof e.message !== 'string') return apiError;
  // NUL (22021 in text, 22P05 in jsonb) is not quoted back: find the string that holds one.
  const literal = /: "([\s\S]*)"$/.exec(e.message)?.[1];
  const match = e.code === '22021' || e.code === '22P05' ? (v: string) => v.includes('\u0000') : literal === undefined ? undefined : (v: string) => v === literal;
  const loc = match && locate(req, operationId, match);
  if (!loc) return apiError;
  const detail: ErrorDetail = { loc, msg: 'is a value this API cannot store (see the field\'s format)', type: 'format' };
  return new ApiError('VALIDATION_ERROR', `${loc.slice(1).join('.')} ${detail.msg}`, { details: [detail] });
}
