import { handlers } from '../../handlers';
import { startHarness, type Harness } from '../helpers/harness';

describe('GET /health', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers 200 with the version and the database state, without credentials', async () => {
    const res = await h.api.get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), db: 'ok' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await h.api.head('/health').expect(200);
    expect(res.text).toBeFalsy();
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await h.api.get('/health').set('X-Request-Id', 'lb-1234.abc:9').expect(200);
    expect(echoed.headers['x-request-id']).toBe('lb-1234.abc:9');
    const replaced = await h.api.get('/health').set('X-Request-Id', 'bad id\twith spaces').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe('GET /health when the database is away', () => {
  let h: Harness;
  beforeAll(async () => {
    // Nothing listens on port 1: every connection attempt is refused.
    h = await startHarness({ appDatabaseUrl: 'postgres://postgres@127.0.0.1:1/none', env: { DB_CONNECTION_TIMEOUT_MS: '500' } });
  });
  afterAll(() => h.close());

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, in the envelope', async () => {
    const res = await h.api.get('/health').expect(503);
    expect(res.body).toMatchObject({ success: false, code: 'SERVICE_UNAVAILABLE', request_id: res.headers['x-request-id'] });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('GET /health when a handler throws', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      handlers: {
        ...handlers,
        getHealth: async () => {
          throw new Error('relation "secret_table" does not exist: SELECT password FROM secret_table');
        },
      },
    });
  });
  afterAll(() => h.close());

  it('answers 500 INTERNAL_ERROR and shows nothing internal', async () => {
    const res = await h.api.get('/health').expect(500);
    expect(res.body).toEqual({ success: false, code: 'INTERNAL_ERROR', error: expect.any(String), request_id: res.headers['x-request-id'] });
    expect(res.text).not.toMatch(/secret_table|SELECT|password|at .*\.ts/);
  });
});
