// Requests Node's HTTP parser refuses before the app sees them (issue 12): a 16 kB+ URL, an unknown
// method, bytes that are not HTTP, a header timeout. They are answered in the error envelope with an
// X-Request-Id and `Connection: close` (src/http/client-error.ts), on the harness's server and on
// the real server process (src/server.ts), written here byte for byte on raw sockets.
import { connect } from 'node:net';
import { faultWorld, type FaultWorld } from '../helpers/fault-support';
import { startHarness, type Harness } from '../helpers/harness';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { until } from '../helpers/raw-http';

jest.setTimeout(60_000);

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
  text: string;
}

/** Writes `bytes` on a fresh socket and reads until the server closes it. */
function rawExchange(port: number, bytes: Buffer | string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks).toString('latin1');
      const split = all.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = all.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      const text = Buffer.from(all.slice(split + 4), 'latin1').toString('utf8');
      let body: RawAnswer['body'];
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]), headers, body, text });
    });
    socket.end(bytes);
  });
}

/** The envelope, its request id in the header, and the connection closed. */
function expectEnvelope(res: RawAnswer, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers.connection).toBe('close');
  expect(res.headers['x-request-id']).toMatch(/^req_[0-9A-Z]{26}$/);
  expect(res.body).toEqual({ success: false, code, error: expect.any(String), request_id: res.headers['x-request-id'] });
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
}

const LONG_URL = `GET /health?${'q'.repeat(17 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

describe('answers outside the app, in the envelope', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness();
    port = Number(new URL(h.baseUrl).port);
  });
  afterAll(() => h?.close());

  it('a 17 kB URL → 431 REQUEST_HEADER_FIELDS_TOO_LARGE', async () => {
    expectEnvelope(await rawExchange(port, LONG_URL), 431, 'REQUEST_HEADER_FIELDS_TOO_LARGE');
  });

  it('32 kB of headers → 431 REQUEST_HEADER_FIELDS_TOO_LARGE', async () => {
    const headers = Array.from({ length: 32 }, (_, i) => `X-Filler-${i}: ${'h'.repeat(1000)}\r\n`).join('');
    expectEnvelope(await rawExchange(port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`), 431, 'REQUEST_HEADER_FIELDS_TOO_LARGE');
  });

  it('an unknown method (FOO / HTTP/1.1) → 400 VALIDATION_ERROR', async () => {
    const res = await rawExchange(port, 'FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expectEnvelope(res, 400, 'VALIDATION_ERROR');
    expect(res.body!.error).toMatch(/method/);
  });

  it.each([
    ['raw non-ASCII bytes in the request line', Buffer.concat([Buffer.from('GET /api/v1/caf'), Buffer.from([0xe9]), Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')])],
    ['a space inside the target', 'GET /api/v1/a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['an invalid header name', 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n'],
    ['an HTTP version that does not exist', 'GET /health HTTP/9.9\r\n\r\n'],
    ['not HTTP at all', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'],
  ])('%s → 400 VALIDATION_ERROR', async (_what, bytes) => {
    expectEnvelope(await rawExchange(port, bytes), 400, 'VALIDATION_ERROR');
  });

  it('CONNECT (a proxy request) → 400 VALIDATION_ERROR, not a silently closed socket', async () => {
    const res = await rawExchange(port, 'CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n');
    expectEnvelope(res, 400, 'VALIDATION_ERROR');
    expect(res.body!.error).toMatch(/CONNECT/);
  });

  it('the server keeps serving, in the envelope as before', async () => {
    await h.api.get('/health').expect(200);
  });
});

describe('the real server process answers them the same way', () => {
  let w: FaultWorld;
  let server: ServerProcess;
  beforeAll(async () => {
    w = await faultWorld('EDGT');
    server = await spawnServer({ databaseUrl: w.database.url, env: { HEADERS_TIMEOUT_MS: '1000', WEBHOOK_WORKER: 'off' } });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await w?.close();
  });

  it('a 17 kB URL → 431 in the envelope, logged with its request id', async () => {
    const res = await rawExchange(server.port, LONG_URL);
    expectEnvelope(res, 431, 'REQUEST_HEADER_FIELDS_TOO_LARGE');
    // The log line reaches us through the child's stdout, after the answer: wait for it.
    const logged = (l: Record<string, unknown>) => l.requestId === res.headers['x-request-id'] && l.code === 'HPE_HEADER_OVERFLOW';
    await until('the 431 is logged with its request id', () => server.logs.some(logged));
  });

  it('headers never finished → 408 REQUEST_TIMEOUT once the header timeout has passed', async () => {
    // Half a request, then nothing: the server answers and closes (rawExchange waits for the close).
    const res = await new Promise<RawAnswer>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => {
        const all = Buffer.concat(chunks).toString('utf8');
        const [head, text] = all.split('\r\n\r\n');
        const [statusLine, ...lines] = head.split('\r\n');
        const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(text), text });
      });
      socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    });
    expectEnvelope(res, 408, 'REQUEST_TIMEOUT');
  });

  it('an unknown method → 400 in the envelope', async () => {
    expectEnvelope(await rawExchange(server.port, 'FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'), 400, 'VALIDATION_ERROR');
  });
});
