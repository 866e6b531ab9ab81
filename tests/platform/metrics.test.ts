// /metrics (outside the spec: operators only) and the development Server-Timing header.
import request from 'supertest';
import { startHarness, type Harness } from '../helpers/harness';

describe('GET /metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { METRICS_TOKEN: 'test-metrics-token-123', SERVER_TIMING: 'true' } });
  });
  afterAll(() => h.close());

  it('is not public: no token or a wrong one gets the API 404', async () => {
    await request(h.server).get('/metrics').expect(404);
    await request(h.server).get('/metrics').set('Authorization', 'Bearer wrong-token-xxxxxxxxx').expect(404);
  });

  it('counts requests by operationId and status, with latency, pool and webhook-queue figures', async () => {
    await h.api.get('/health').expect(200);
    await h.api.get('/api/v1/whoami').expect(401);
    await h.api.get('/nowhere').expect(404);
    const res = await request(h.server).get('/metrics').set('Authorization', 'Bearer test-metrics-token-123').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/aura_http_requests_total\{operation="getHealth",status="200"\} [1-9]/);
    expect(res.text).toMatch(/aura_http_requests_total\{operation="getWhoami",status="401"\} [1-9]/);
    expect(res.text).toMatch(/aura_http_requests_total\{operation="unmatched",status="404"\} [1-9]/);
    expect(res.text).toMatch(/aura_http_request_duration_seconds_bucket\{le="0.005",operation="getHealth"\}/);
    expect(res.text).toMatch(/aura_db_pool_connections\{state="total"\} \d+/);
    expect(res.text).toMatch(/aura_webhook_queue_due \d+/);
    expect(res.text).toMatch(/aura_webhook_oldest_due_seconds \d+/);
  });

  it('adds Server-Timing (database vs total) when enabled, on successes and errors', async () => {
    const ok = await h.api.get('/health').expect(200);
    expect(ok.headers['server-timing']).toMatch(/^db;dur=\d+\.\d, total;dur=\d+\.\d$/);
    const db = Number(/db;dur=([\d.]+)/.exec(ok.headers['server-timing'])![1]);
    const total = Number(/total;dur=([\d.]+)/.exec(ok.headers['server-timing'])![1]);
    expect(db).toBeGreaterThan(0);
    expect(total).toBeGreaterThanOrEqual(db);
    const err = await h.api.get('/api/v1/whoami').expect(401);
    expect(err.headers['server-timing']).toMatch(/^db;dur=/);
  });
});

describe('Server-Timing off', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  it('is not sent outside development unless enabled', async () => {
    const res = await h.api.get('/health').expect(200);
    expect(res.headers['server-timing']).toBeUndefined();
  });
});
