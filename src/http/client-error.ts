// Requests Node's HTTP parser refuses before express sees them (a header block over 16 kB, an
// unknown method, bytes that are not HTTP, a header timeout) are answered by Node itself with a
// bare status line unless the server listens for `clientError`. Here they get the envelope, an
// X-Request-Id and `Connection: close`, like every other error; so is CONNECT. What Node still
// answers on its own is listed in README.md.
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, errorBody, type ErrorCode } from '../errors';
import type { Logger } from '../logger';
import { newRequestId } from './request-id';

/** Node's and llhttp's error codes → what the client is told. Anything else: not valid HTTP (400). */
const KNOWN: Record<string, [ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: ['REQUEST_HEADER_FIELDS_TOO_LARGE', 'The request line and headers are over the 16 kB limit'],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST_TIMEOUT', 'The request was not received in time'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: ['PAYLOAD_TOO_LARGE', 'The chunk extensions of the request body are too large'],
  HPE_INVALID_METHOD: ['VALIDATION_ERROR', 'The request method is not an HTTP method this server knows'],
  HPE_INVALID_URL: ['VALIDATION_ERROR', 'The request target is not a valid URL (send non-ASCII characters percent-encoded)'],
  HPE_INVALID_HEADER_TOKEN: ['VALIDATION_ERROR', 'A request header is not valid HTTP'],
  HPE_INVALID_VERSION: ['VALIDATION_ERROR', 'The request line does not end with a valid HTTP version'],
};

/** The whole answer, written straight to the socket: there is no request or response object. */
function clientErrorResponse(code: string | undefined, requestId: string): Buffer {
  const [errorCode, message] = KNOWN[code ?? ''] ?? ['VALIDATION_ERROR', 'The request is not valid HTTP/1.1'];
  return envelopeResponse(new ApiError(errorCode, message), requestId);
}

function envelopeResponse(err: ApiError, requestId: string): Buffer {
  const body = Buffer.from(JSON.stringify(errorBody(err, requestId)));
  const head = [
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${body.length}`,
    `X-Request-Id: ${requestId}`,
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Answers the parser's refusals (as Node's own handler would: same cases, same close) and CONNECT in the envelope. */
export function answerClientErrors(server: Server, log?: Logger): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // As Node does: no answer on a reset socket, nor over a response already being written.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const requestId = newRequestId();
    log?.info({ requestId, code: err.code }, 'request refused by the HTTP parser');
    socket.end(clientErrorResponse(err.code, requestId), () => socket.destroy());
  });
  // CONNECT (a proxy's method) never reaches express: without a listener Node closes the socket unanswered.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    const requestId = newRequestId();
    const err = new ApiError('VALIDATION_ERROR', 'CONNECT is not supported: this server is not a proxy');
    socket.end(envelopeResponse(err, requestId), () => socket.destroy());
  });
}
