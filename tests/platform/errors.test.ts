// The error envelope on the paths outside the handlers: unknown path, wrong method, bodies that
// are refused before validation. Every one carries the request id of its X-Request-Id header.
import { startHarness, type Harness } from '../helpers/harness';

describe('errors outside handlers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const envelope = (res: { body: Record<string, unknown>; headers: Record<string, unknown> }, code: string) => {
    expect(res.body).toMatchObject({ success: false, code, error: expect.any(String), request_id: res.headers['x-request-id'] });
  };

  it('unknown path → 404 NOT_FOUND', async () => {
    envelope(await h.api.get('/api/v1/nothing-here').expect(404), 'NOT_FOUND');
    envelope(await h.api.get('/api/v2/produits').expect(404), 'NOT_FOUND');
  });

  it('known path, wrong method → 405 METHOD_NOT_ALLOWED with Allow', async () => {
    const res = await h.api.delete('/api/v1/api-keys').expect(405);
    envelope(res, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect((await h.api.put('/health').expect(405)).headers.allow).toBe('GET, HEAD');
  });

  it('malformed JSON → 400 VALIDATION_ERROR naming the body', async () => {
    const res = await h.api.post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.c", ').expect(400);
    envelope(res, 'VALIDATION_ERROR');
    expect(res.body.details).toEqual([{ loc: ['body'], msg: 'is not valid JSON', type: 'parse' }]);
  });

  it('a body that is not JSON → 415; a compressed body → 415', async () => {
    envelope(await h.api.post('/api/v1/auth/login').set('Content-Type', 'application/x-www-form-urlencoded').send('email=a&password=b').expect(415), 'UNSUPPORTED_MEDIA_TYPE');
    envelope(await h.api.post('/api/v1/auth/login').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('xxxx').expect(415), 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a body over 100 kB → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await h.api.post('/api/v1/auth/login').send({ email: 'a@b.c', password: 'p'.repeat(101 * 1024) }).expect(413);
    envelope(res, 'PAYLOAD_TOO_LARGE');
  });

  it('a parameter that fails the spec → 400 with one detail per field', async () => {
    const res = await h.api.post('/api/v1/auth/login').send({ email: 42, password: '', extra: true }).expect(400);
    envelope(res, 'VALIDATION_ERROR');
    expect(res.body.details.map((d: { loc: unknown[] }) => d.loc)).toEqual(expect.arrayContaining([['body', 'email'], ['body', 'password'], ['body', 'extra']]));
  });
});
