// Input the spec's schemas accept but that cannot be stored, refused before authentication with a
// 400 naming the field — found by the spec fuzzer (tests/fuzz):
// - a query parameter named `__proto__`: copied into a plain object it vanished instead of being
//   refused like any other unknown parameter (200 where every other unknown name gets a 400);
// - a JSON string with a lone surrogate escape ("\ud800"): valid JSON, but no UTF-8 can carry it.
// Values PostgreSQL reads more strictly than the schemas say (a NUL character in any string, URN
// UUIDs, the year 0000, UTC offsets past ±15:59) are refused by request validation, naming the
// field (src/openapi/strict-request.ts, src/openapi/formats.ts). Anything PostgreSQL still refuses
// is a generic 400 from the SQLSTATE table (src/errors.ts) that names no field: the database's
// error text is never parsed (it changes with lc_messages).
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
export function* strings(root: unknown, base: string): Generator<[() => Loc, string]> {
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
const SURROGATE_MSG = 'is not valid Unicode text (lone surrogate)';

/**
 * A JSON body whose strings (keys too) are not Unicode text ("\ud800", a lone surrogate escape:
 * valid JSON, but no UTF-8 can carry it) is refused like malformed JSON, naming the field:
 * PostgreSQL jsonb refused it (a 400 naming nothing) and text columns silently stored U+FFFD instead.
 */
export function refuseLoneSurrogates(req: Request, _res: Response, next: NextFunction): void {
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object') {
    for (const [where, s] of strings(req.body, 'body')) {
      if (LONE_SURROGATE.test(s)) {
        const loc = where();
        return next(new ApiError('VALIDATION_ERROR', `${loc.slice(1).join('.')} is not valid Unicode text`, { details: [{ loc, msg: SURROGATE_MSG, type: 'parse' }] }));
      }
    }
  } else if (typeof req.body === 'string' && LONE_SURROGATE.test(req.body)) {
    return next(new ApiError('VALIDATION_ERROR', 'The request body is not valid Unicode text', { details: [{ loc: ['body'], msg: SURROGATE_MSG, type: 'parse' }] }));
  }
  next();
}
