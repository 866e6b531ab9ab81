// Request bodies: JSON only (415 otherwise), 100 kB max (413), no Content-Encoding (a compressed
// body could expand without bound), malformed JSON or bytes that are not valid UTF-8 → 400 naming the body.
import { isUtf8 } from 'node:buffer';
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

/** A decoder that throws on bytes that encode no character; a charset it does not know is a 415. */
function textDecoder(label: string) {
  try {
    return new TextDecoder(label, { fatal: true });
  } catch {
    throw Object.assign(new Error(`unsupported charset ${label}`), { type: 'charset.unsupported' });
  }
}

/**
 * body-parser decodes invalid bytes to U+FFFD: `"caf\xe9"` was stored as "caf\uFFFD" and a password
 * with raw bytes ran the password check. The raw bytes are checked first, with a fatal decoder for
 * the declared charset (UTF-8 unless the client says utf-16…), and refused like malformed JSON.
 */
function refuseInvalidText(_req: unknown, _res: unknown, raw: Buffer, charset: string | null): void {
  const label = (charset ?? 'utf-8').toLowerCase();
  let valid: boolean;
  if (label === 'utf-8' || label === 'utf8') valid = isUtf8(raw);
  else {
    const decoder = textDecoder(label);
    try {
      decoder.decode(raw);
      valid = true;
    } catch {
      valid = false;
    }
  }
  if (!valid) throw Object.assign(new Error('invalid bytes in the body'), { type: 'entity.text.invalid' });
}

export const jsonBody = express.json({
  limit: BODY_LIMIT,
  inflate: false,
  strict: false,
  type: (req) => JSON_TYPE.test(String(req.headers['content-type'] ?? '').split(';')[0].trim()),
  verify: refuseInvalidText,
});

/** body-parser's errors → our envelope. Anything else passes through untouched. */
export function bodyParserError(err: unknown): ApiError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return new ApiError('VALIDATION_ERROR', 'The request body is not valid JSON', { details: [{ loc: ['body'], msg: 'is not valid JSON', type: 'parse' }] });
    case 'entity.text.invalid':
      return new ApiError('VALIDATION_ERROR', 'The request body is not valid UTF-8 text', { details: [{ loc: ['body'], msg: 'is not valid UTF-8 (raw bytes that encode no character)', type: 'parse' }] });
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
