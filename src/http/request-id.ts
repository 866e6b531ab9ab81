import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `req_` + a ULID: sortable by time, so request ids in logs line up with when they happened. */
// Random bytes drawn 4 kB at a time: one randomBytes() call per request id cost ~2 % of a request.
let pool = Buffer.alloc(0);
let offset = 0;
function random16(): Buffer {
  if (offset + 16 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  offset += 16;
  return pool.subarray(offset - 16, offset);
}

export function newRequestId(now = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const rand = random16();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[rand[i] % 32];
  return `req_${time}${tail}`;
}

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
}

/**
 * Echo a sane client-sent X-Request-Id, else generate one; on every response, with the one header
 * every response carries too (nosniff): one middleware, not two, on every request.
 */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const sent = req.headers['x-request-id'];
  req.id = typeof sent === 'string' && SANE.test(sent) ? sent : newRequestId();
  res.setHeader('X-Request-Id', req.id);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}
