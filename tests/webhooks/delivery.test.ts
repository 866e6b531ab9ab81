// Delivery of one event to a real receiver on 127.0.0.1: signing (checked by the independent
// `standardwebhooks` package), the retry schedule on an injected clock, and what each kind of
// answer does — 2xx, failures, 410, 429/503 with Retry-After, redirects, timeouts.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DEVELOPMENT_SECRETS_KEY } from '../../src/webhooks/secrets';
import { FAILING_ENDPOINT_DISABLE_MS, MAX_ATTEMPTS, nextAttemptAt, RETRY_DELAYS_MS } from '../../src/webhooks/retry-schedule';
import { createOrg } from '../helpers/factories';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';
import { createClient } from '../helpers/pos-factories';
import { attemptDeps, createEndpoint, deliverDue, deliveriesOf, manualClock, startReceiver, testConfig, verifySignature, type Receiver } from './support';

const SECOND = 1000;
const noJitter = () => 0.5;

describe('webhook delivery', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  let receiver: Receiver;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = ignoreTeardownTermination(new pg.Pool({ connectionString: database.url, max: 6 }));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await db.end();
    await database.drop();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.reply = () => ({});
  });

  /** An org, an endpoint on the receiver subscribed to client.created, one event published. */
  async function oneEvent(path = '/hooks') {
    const org = await createOrg(db);
    const ep = await createEndpoint(db, { orgId: org.id, url: `http://127.0.0.1:${receiver.port}${path}`, events: ['client.created'] });
    const clientId = await createClient(db, org.id, { consent: true });
    return { org, ep, clientId };
  }

  it('a receiver failing three times then answering 200 gets four attempts: same webhook-id, same body, every signature valid', async () => {
    const { ep, clientId } = await oneEvent();
    const clock = manualClock();
    const deps = attemptDeps(db, clock);
    receiver.reply = (_r, n) => (n < 3 ? { status: 500, body: 'boom' } : { status: 200 });
    const seenAt: number[] = [];
    try {
      // Attempt 1 immediately; then 5 s, 5 min and 30 min later (no jitter here).
      for (const wait of [0, 5 * SECOND, 5 * 60 * SECOND, 30 * 60 * SECOND]) {
        clock.advance(wait - SECOND);
        expect(wait === 0 || (await deliverDue(deps, { random: noJitter })).length === 0).toBe(true); // not due a second early
        clock.advance(SECOND);
        seenAt.push(clock().getTime());
        const results = await deliverDue(deps, { random: noJitter });
        expect(results).toHaveLength(1);
      }
    } finally {
      deps.close();
    }
    expect(receiver.received).toHaveLength(4);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    receiver.received.forEach((r, i) => {
      // Each attempt is signed at its own time, and verifies for a receiver whose clock agrees.
      expect(Number(r.headers['webhook-timestamp'])).toBe(Math.floor(seenAt[i] / 1000));
      const payload = verifySignature(ep.secret, r, seenAt[i]) as { id: string; type: string; data: { id: string } };
      expect(payload).toMatchObject({ id: [...ids][0], type: 'client.created', data: { id: clientId } });
    });
    const [d] = await deliveriesOf(db, ep.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 4, last_status_code: 200, last_error: null, next_attempt_at: null, claimed_by: null });
    expect(d.delivered_at.getTime()).toBe(seenAt[3]);
  });

  it('the signature is refused by standardwebhooks with another secret, a changed body or a stale timestamp', async () => {
    const { ep } = await oneEvent();
    const deps = attemptDeps(db, () => new Date());
    await deliverDue(deps).finally(() => deps.close());
    const [r] = receiver.received;
    expect(() => verifySignature(ep.secret, r, Date.now())).not.toThrow();
    expect(() => verifySignature('whsec_' + Buffer.alloc(32, 7).toString('base64'), r)).toThrow(/No matching signature/);
    expect(() => verifySignature(ep.secret, { ...r, body: r.body.replace('client.created', 'client.updated') })).toThrow(/No matching signature/);
    expect(() => verifySignature(ep.secret, r, Date.now() + 10 * 60 * SECOND)).toThrow(/too old/);
  });

  it('sends the Standard Webhooks headers and the {id, type, timestamp, data} payload as JSON', async () => {
    const { clientId } = await oneEvent();
    const deps = attemptDeps(db, () => new Date());
    await deliverDue(deps).finally(() => deps.close());
    const [r] = receiver.received;
    expect(r.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Aura-Webhooks/1.0' });
    expect(r.headers['webhook-id']).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const body = JSON.parse(r.body);
    expect(Object.keys(body)).toEqual(['id', 'type', 'timestamp', 'data']);
    expect(body).toMatchObject({ id: r.headers['webhook-id'], type: 'client.created', data: { id: clientId } });
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('follows the whole schedule — 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h — then marks the delivery failed', async () => {
    const { ep } = await oneEvent();
    const clock = manualClock();
    const deps = attemptDeps(db, clock);
    receiver.reply = () => ({ status: 503 });
    const gaps: number[] = [];
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const before = clock().getTime();
        expect(await deliverDue(deps, { random: noJitter })).toHaveLength(1);
        const [d] = await deliveriesOf(db, ep.id);
        if (d.next_attempt_at) {
          gaps.push(d.next_attempt_at.getTime() - before);
          clock.set(d.next_attempt_at);
        }
      }
      // Nothing more is ever due.
      clock.advance(30 * 24 * 3600 * SECOND);
      expect(await deliverDue(deps)).toHaveLength(0);
    } finally {
      deps.close();
    }
    expect(gaps).toEqual([...RETRY_DELAYS_MS]);
    expect(receiver.received).toHaveLength(10);
    const [d] = await deliveriesOf(db, ep.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 10, next_attempt_at: null, last_status_code: 503, last_error: 'HTTP 503' });
    expect(d.failed_at).toBeInstanceOf(Date);
  });

  it('jitter stays within ±10 % of each delay', () => {
    const now = new Date('2026-05-01T00:00:00Z');
    RETRY_DELAYS_MS.forEach((delay, i) => {
      const low = nextAttemptAt(i + 1, now, { random: () => 0 })!.getTime() - now.getTime();
      const high = nextAttemptAt(i + 1, now, { random: () => 0.999999 })!.getTime() - now.getTime();
      expect(low).toBe(Math.round(delay * 0.9));
      expect(high).toBeLessThanOrEqual(Math.round(delay * 1.1));
      expect(high).toBeGreaterThan(delay * 1.09);
    });
    expect(nextAttemptAt(MAX_ATTEMPTS, now)).toBeNull();
  });

  it('429 with Retry-After: the next attempt waits at least that long', async () => {
    const { ep } = await oneEvent();
    const clock = manualClock();
    const deps = attemptDeps(db, clock);
    receiver.reply = () => ({ status: 429, headers: { 'Retry-After': '3600' } });
    await deliverDue(deps, { random: noJitter }).finally(() => deps.close());
    const [d] = await deliveriesOf(db, ep.id);
    expect(d.next_attempt_at.getTime() - clock().getTime()).toBe(3600 * SECOND);
    expect(d.last_status_code).toBe(429);
  });

  it('503 with an HTTP-date Retry-After is honoured too; a short one does not shorten the schedule', async () => {
    const { ep } = await oneEvent();
    const clock = manualClock(new Date(Math.ceil(Date.now() / 1000) * 1000));
    const deps = attemptDeps(db, clock);
    const inTwoHours = new Date(clock().getTime() + 2 * 3600 * SECOND);
    receiver.reply = () => ({ status: 503, headers: { 'Retry-After': inTwoHours.toUTCString() } });
    await deliverDue(deps, { random: noJitter });
    let [d] = await deliveriesOf(db, ep.id);
    expect(d.next_attempt_at).toEqual(inTwoHours);
    clock.set(d.next_attempt_at);
    receiver.reply = () => ({ status: 503, headers: { 'Retry-After': '1' } });
    await deliverDue(deps, { random: noJitter }).finally(() => deps.close());
    [d] = await deliveriesOf(db, ep.id);
    expect(d.next_attempt_at.getTime() - clock().getTime()).toBe(RETRY_DELAYS_MS[1]);
  });

  it('410 Gone disables the endpoint, with a system audit event, and fails its pending deliveries', async () => {
    const { org, ep } = await oneEvent();
    await createClient(db, org.id); // a second pending delivery
    const clock = manualClock();
    const deps = attemptDeps(db, clock);
    receiver.reply = () => ({ status: 410, body: 'gone' });
    await deliverDue(deps).finally(() => deps.close());
    // Both were due; whichever ran second found the endpoint already off.
    const { rows: [endpoint] } = await db.query('SELECT active, disabled_at, disabled_reason FROM webhook_endpoints WHERE id = $1', [ep.id]);
    expect(endpoint).toMatchObject({ active: false, disabled_reason: 'gone', disabled_at: clock() });
    const ds = await deliveriesOf(db, ep.id);
    expect(ds.map((d) => d.status)).toEqual(['failed', 'failed']);
    const { rows: audit } = await db.query(`SELECT * FROM audit_events WHERE org_id = $1 AND action = 'webhook.disabled'`, [org.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'system', actor_id: null, target_type: 'webhook', target_id: ep.id, metadata: expect.objectContaining({ reason: 'gone', status_code: 410 }) });
    // A new event is not even queued for it.
    await createClient(db, org.id);
    expect(await deliveriesOf(db, ep.id)).toHaveLength(2);
  });

  it('an endpoint failing for 5 days straight is disabled with an audit event; a success in between resets the streak', async () => {
    const { org, ep } = await oneEvent();
    const clock = manualClock();
    const deps = attemptDeps(db, clock);
    receiver.reply = () => ({ status: 500 });
    try {
      await deliverDue(deps, { random: noJitter });
      const start = clock().getTime();
      let { rows: [e] } = await db.query('SELECT failing_since, active FROM webhook_endpoints WHERE id = $1', [ep.id]);
      expect(e.failing_since.getTime()).toBe(start);

      // A success clears the streak…
      clock.advance(3 * 24 * 3600 * SECOND);
      receiver.reply = () => ({ status: 204 });
      await createClient(db, org.id);
      await deliverDue(deps, { random: noJitter });
      ({ rows: [e] } = await db.query('SELECT failing_since FROM webhook_endpoints WHERE id = $1', [ep.id]));
      expect(e.failing_since).toBeNull();

      // …then failures again: still on just before 5 days, off once 5 days have passed.
      receiver.reply = () => ({ status: 500 });
      await createClient(db, org.id);
      await deliverDue(deps, { random: noJitter });
      const streakStart = clock().getTime();
      clock.set(new Date(streakStart + FAILING_ENDPOINT_DISABLE_MS - SECOND));
      await createClient(db, org.id);
      await deliverDue(deps, { random: noJitter });
      ({ rows: [e] } = await db.query('SELECT active FROM webhook_endpoints WHERE id = $1', [ep.id]));
      expect(e.active).toBe(true);
      clock.set(new Date(streakStart + FAILING_ENDPOINT_DISABLE_MS));
      await createClient(db, org.id);
      await deliverDue(deps, { random: noJitter });
    } finally {
      deps.close();
    }
    const { rows: [e] } = await db.query('SELECT active, disabled_reason FROM webhook_endpoints WHERE id = $1', [ep.id]);
    expect(e).toEqual({ active: false, disabled_reason: 'failing' });
    const { rows: audit } = await db.query(`SELECT metadata FROM audit_events WHERE org_id = $1 AND action = 'webhook.disabled'`, [org.id]);
    expect(audit).toEqual([{ metadata: expect.objectContaining({ reason: 'failing' }) }]);
    expect((await deliveriesOf(db, ep.id)).filter((d) => d.status === 'pending')).toEqual([]);
  });

  it('does not follow a redirect: the attempt fails and the Location is never requested', async () => {
    const { ep } = await oneEvent('/moved');
    receiver.reply = (r) => (r.path === '/moved' ? { status: 302, headers: { Location: `http://127.0.0.1:${receiver.port}/elsewhere` } } : {});
    const deps = attemptDeps(db, () => new Date());
    await deliverDue(deps).finally(() => deps.close());
    expect(receiver.received.map((r) => r.path)).toEqual(['/moved']);
    const [d] = await deliveriesOf(db, ep.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 302, last_error: 'redirect (302) not followed' });
  });

  it('gives up on an answer slower than the timeout (15 s by default; 1 s here)', async () => {
    const { ep } = await oneEvent();
    receiver.reply = () => ({ delayMs: 2500 });
    const deps = attemptDeps(db, () => new Date(), testConfig({ WEBHOOK_TIMEOUT_MS: '1000' }));
    await deliverDue(deps).finally(() => deps.close());
    const [d] = await deliveriesOf(db, ep.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null, last_error: 'timed out after 1 s' });
    // Not given up early; and not waited out: the receiver's late answer would have been recorded.
    expect(d.last_duration_ms).toBeGreaterThanOrEqual(990);
    expect(testConfig().webhookTimeoutMs).toBe(15_000);
  });

  it('keeps only the first 1 kB of the answer', async () => {
    const { ep } = await oneEvent();
    receiver.reply = () => ({ status: 500, body: 'x'.repeat(5000) });
    const deps = attemptDeps(db, () => new Date());
    await deliverDue(deps).finally(() => deps.close());
    const [d] = await deliveriesOf(db, ep.id);
    expect(d.last_response_body).toBe('x'.repeat(1024));
  });

  it('a connection refused is a failed attempt, retried', async () => {
    const org = await createOrg(db);
    const closed = await startReceiver();
    await closed.close(); // nothing listens on that loopback port any more
    const ep = await createEndpoint(db, { orgId: org.id, url: `http://127.0.0.1:${closed.port}/hooks`, events: ['client.created'] });
    await createClient(db, org.id);
    const deps = attemptDeps(db, () => new Date());
    await deliverDue(deps).finally(() => deps.close());
    const [d] = await deliveriesOf(db, ep.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null, last_error: expect.stringMatching(/ECONNREFUSED/) });
  });

  describe('during a WEBHOOK_SECRETS_KEY rotation', () => {
    const newKey = randomBytes(32);

    it('a secret still under the previous key signs as before', async () => {
      const { ep } = await oneEvent();
      const deps = { ...attemptDeps(db, () => new Date()), secretsKeys: [newKey, DEVELOPMENT_SECRETS_KEY] };
      await deliverDue(deps).finally(() => deps.close());
      const [r] = await receiver.waitFor(1);
      expect(verifySignature(ep.secret, r)).toBeTruthy();
      expect((await deliveriesOf(db, ep.id))[0]).toMatchObject({ status: 'delivered' });
    });

    it('without the previous key: nothing sent, the attempt fails saying why, and is retried', async () => {
      const { ep } = await oneEvent();
      const deps = { ...attemptDeps(db, () => new Date()), secretsKeys: [newKey] };
      await deliverDue(deps).finally(() => deps.close());
      expect(receiver.received).toHaveLength(0);
      expect((await deliveriesOf(db, ep.id))[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/signing secret could not be read/) });
    });
  });
});
