// Input the spec's schemas accept but PostgreSQL cannot store, refused before the database (and
// before authentication) with a 400 naming the field — found by the spec fuzzer (tests/fuzz):
// - a query parameter named `__proto__`: copied into a plain object it vanished instead of being
//   refused like any other unknown parameter (200 where every other unknown name gets a 400);
// - a NUL character (U+0000) in any query value or JSON string, keys included: JSON and URLs allow
//   it, PostgreSQL text and jsonb do not (a 500 before, then a 400 that could not say which field);
// - a JSON string with a lone surrogate escape ("\ud800"): valid JSON, but no UTF-8 can carry it.
// Formats PostgreSQL reads more strictly than ajv-formats (UUID, date years, UTC offsets) are
// checked by request validation (src/openapi/formats.ts). Anything PostgreSQL still refuses is a
// generic 400 from the SQLSTATE table (src/errors.ts), which names no field: the database's error
// text is never parsed (it is translated under another lc_messages).
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors';

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
 * A query parameter named `__proto__` is refused like any unknown parameter (the request parser
 * copies the query into a plain object, where that name sets the prototype and vanishes: a 200);
 * a NUL character in a query value or name, which no text column can hold.
 */
export function refuseUnstorableQuery(req: Request, _res: Response, next: NextFunction): void {
  const query = req.query as Record<string, unknown> | undefined;
  if (!query) return next();
  if (Object.prototype.hasOwnProperty.call(query, '__proto__')) {
    return next(new ApiError('VALIDATION_ERROR', '__proto__ is not an accepted parameter', { details: [{ loc: ['query', '__proto__'], msg: 'is not an accepted field', type: 'additionalProperties' }] }));
  }
  for (const [name, value] of queryEntries(query)) {
    if (name.includes('\u0000') || value.includes('\u0000')) return next(refused(['query', name], NUL_MSG));
  }
  next();
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NUL_MSG = 'contains a NUL character (U+0000), which cannot be stored';
const SURROGATE_MSG = 'is not valid Unicode text (lone surrogate)';

function refused(loc: Loc, msg: string): ApiError {
  const name = loc.length > 1 ? loc.slice(1).join('.') : 'The request body';
  return new ApiError('VALIDATION_ERROR', `${name} ${msg}`, { details: [{ loc, msg, type: 'parse' }] });
}

const unstorable = (s: string): string | undefined => (s.includes('\u0000') ? NUL_MSG : LONE_SURROGATE.test(s) ? SURROGATE_MSG : undefined);

/**
 * A JSON body whose strings (keys too) cannot be stored as text is refused like malformed JSON,
 * naming the field: a lone surrogate escape (PostgreSQL jsonb refused it, text columns silently
 * stored U+FFFD) or a NUL character.
 */
export function refuseUnstorableBody(req: Request, _res: Response, next: NextFunction): void {
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object') {
    for (const [where, s] of strings(req.body, 'body')) {
      const msg = unstorable(s);
      if (msg) return next(refused(where(), msg));
    }
  } else if (typeof req.body === 'string') {
    const msg = unstorable(req.body);
    if (msg) return next(refused(['body'], msg));
  }
  next();
}
