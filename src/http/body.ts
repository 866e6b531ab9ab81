// Request bodies: JSON only (415 otherwise), 100 kB max (413), no Content-Encoding (a compressed
// body could expand without bound), malformed JSON → 400 naming the body.
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApiError } from '../errors';

export const BODY_LIMIT = '100kb';
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Refuse bodies we will not read before parsing them. */
export function bodyGuard(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    return next(new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Compressed request bodies are not accepted; send plain JSON'));
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (!JSON_TYPE.test(type)) {
    return next(new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json'));
  }
  next();
}

export const jsonBody = express.json({ limit: BODY_LIMIT, inflate: false, strict: false, type: (req) => JSON_TYPE.test(String(req.headers['content-type'] ?? '').split(';')[0].trim()) });

/** body-parser's errors → our envelope. Anything else passes through untouched. */
export function bodyParserError(err: unknown): ApiError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return new ApiError('VALIDATION_ERROR', 'The request body is not valid JSON', { details: [{ loc: ['body'], msg: 'is not valid JSON', type: 'parse' }] });
    case 'entity.too.large':
      return new ApiError('PAYLOAD_TOO_LARGE', `The request body is over ${BODY_LIMIT}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be UTF-8 JSON without Content-Encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new ApiError('VALIDATION_ERROR', 'The request body could not be read', { details: [{ loc: ['body'], msg: 'could not be read', type: 'parse' }] });
    default:
      return undefined;
  }
}
