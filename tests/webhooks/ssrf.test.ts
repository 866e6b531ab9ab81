// SSRF: a subscription may only reach public unicast addresses over https. Refused at creation
// (400 naming body.url) and — since DNS answers change — at delivery, on the address actually
// connected to (recorded as a failed attempt). Only 127.0.0.1 is ever connected to in this file.
import { guardedLookup } from '../../src/webhooks/guarded-agent';
import { checkUrlForm } from '../../src/webhooks/url-policy';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { createClient } from '../helpers/pos-factories';
import { attemptDeps, createEndpoint, deliverDue, deliveriesOf, startReceiver, testConfig, type Receiver } from './support';

// Each refused form, and what the 400 says about it.
const REFUSED: Array<[string, RegExp]> = [
  ['http://hooks.example.com/aura', /must use https/],
  ['ftp://hooks.example.com/aura', /must use https/],
  ['https://user:pass@hooks.example.com/aura', /user name or password/],
  ['not a url', /absolute URL/],
  ['https://127.0.0.1/hooks', /loopback address \(127\.0\.0\.1\)/],
  ['https://127.8.9.10/hooks', /loopback/],
  ['https://[::1]/hooks', /loopback address \(::1\)/],
  ['https://10.1.2.3/hooks', /private address/],
  ['https://172.16.5.4/hooks', /private address/],
  ['https://192.168.1.20/hooks', /private address/],
  ['https://100.64.0.7/hooks', /private address/],
  ['https://[fd12:3456::1]/hooks', /private address/],
  ['https://169.254.169.254/latest/meta-data/', /cloud metadata address/],
  ['https://[fd00:ec2::254]/latest/meta-data/', /cloud metadata address/],
  ['https://169.254.10.20/hooks', /link-local address/],
  ['https://[fe80::1]/hooks', /link-local address/],
  ['https://224.0.0.251/hooks', /multicast address/],
  ['https://[ff02::1]/hooks', /multicast address/],
  ['https://0.0.0.0/hooks', /an unspecified address/],
  ['https://[::]/hooks', /unspecified address/],
  ['https://[::ffff:127.0.0.1]/hooks', /IPv4-mapped IPv6 address/],
  ['https://[::ffff:a9fe:a9fe]/hooks', /IPv4-mapped IPv6 address/],
  ['https://[::ffff:8.8.8.8]/hooks', /IPv4-mapped IPv6 address/],
  ['https://2130706433/hooks', /spell an IPv4 address unusually \(2130706433 is 127\.0\.0\.1\)/],
  ['https://0x7f.1/hooks', /unusually \(0x7f\.1 is 127\.0\.0\.1\)/],
  ['https://0177.0.0.1/hooks', /unusually \(0177\.0\.0\.1 is 127\.0\.0\.1\)/],
  ['https://127.1/hooks', /unusually/],
  ['https://0x7f000001/hooks', /unusually/],
  ['https://0xa9fea9fe/latest/meta-data/', /unusually \(0xa9fea9fe is 169\.254\.169\.254\)/],
  ['https://[64:ff9b::7f00:1]/hooks', /reserved address/],
  ['https://255.255.255.255/hooks', /reserved address/],
  ['https://localhost/hooks', /loopback address \(localhost resolves to (127\.0\.0\.1|::1)\)/],
];

describe('SSRF at creation', () => {
  let h: Harness;
  let key: string;
  beforeAll(async () => {
    h = await startHarness(); // production-like: no insecure URLs
    const org = await createOrg(h.db);
    ({ key } = await createApiKey(h.db, { orgId: org.id, scopes: ['webhooks:write', 'read:tickets'], rateLimitPerMinute: 10_000 }));
  });
  afterAll(() => h.close());

  it.each(REFUSED)('refuses %s with a 400 naming body.url', async (url, message) => {
    const res = await h.api.post('/api/v1/webhooks').set('X-API-Key', key).send({ url, events: ['ticket.created'] }).expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ loc: ['body', 'url'], msg: expect.stringMatching(message), type: 'url' }] });
    expect(res.body.error).toMatch(/^url /);
    expect((await h.db.query('SELECT count(*)::int AS n FROM webhook_endpoints')).rows[0].n).toBe(0);
  });

  it('checks the URL on update too', async () => {
    const created = await h.api.post('/api/v1/webhooks').set('X-API-Key', key).send({ url: 'https://198.51.99.10/hooks', events: ['ticket.created'] }).expect(201);
    const res = await h.api.patch(`/api/v1/webhooks/${created.body.webhook.id}`).set('X-API-Key', key).send({ url: 'https://169.254.169.254/' }).expect(400);
    expect(res.body.details).toEqual([{ loc: ['body', 'url'], msg: expect.stringMatching(/cloud metadata/), type: 'url' }]);
  });
});

describe('the URL policy in development (WEBHOOKS_ALLOW_INSECURE_URLS)', () => {
  const dev = { allowInsecure: true };
  it('allows http and loopback receivers, nothing else', () => {
    expect(checkUrlForm('http://127.0.0.1:8080/hooks', dev).problem).toBeUndefined();
    expect(checkUrlForm('http://[::1]:8080/hooks', dev).problem).toBeUndefined();
    expect(checkUrlForm('http://localhost:8080/hooks', dev).problem).toBeUndefined();
    expect(checkUrlForm('http://10.0.0.1/hooks', dev).problem).toMatch(/private/);
    expect(checkUrlForm('http://169.254.169.254/', dev).problem).toMatch(/cloud metadata/);
    expect(checkUrlForm('http://2130706433/', dev).problem).toMatch(/unusually/);
  });

  it('is refused in production', () => {
    expect(() => testConfig({ NODE_ENV: 'production' })).toThrow(/WEBHOOKS_ALLOW_INSECURE_URLS must not be set in production/);
  });
});

describe('SSRF at delivery (the address connected to)', () => {
  let h: Harness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startHarness();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await h.close();
  });

  // Stored straight in the database, as if DNS had changed since creation (rebinding), or the
  // row came from elsewhere: the guard at connect time is what stands between us and them.
  const stored = (port: number): Array<[string, RegExp]> => [
    [`https://localhost:${port}/hooks`, /^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/],
    [`https://127.0.0.1:${port}/hooks`, /^refused: the URL must not point to a loopback address/],
    [`https://[::ffff:127.0.0.1]:${port}/hooks`, /^refused: the URL must not point to an IPv4-mapped IPv6 address/],
    [`https://2130706433:${port}/hooks`, /^refused: the URL must not spell an IPv4 address unusually/],
    [`http://localhost:${port}/hooks`, /^refused: the URL must use https/],
  ];

  it('refuses each form without connecting, as a failed attempt that is retried', async () => {
    const org = await createOrg(h.db);
    const cases = stored(receiver.port);
    const endpoints = [];
    for (const [url] of cases) endpoints.push(await createEndpoint(h.db, { orgId: org.id, url, events: ['client.created'] }));
    await createClient(h.db, org.id);
    const deps = attemptDeps(h.db, () => new Date(), testConfig({ WEBHOOKS_ALLOW_INSECURE_URLS: 'false' }));
    await deliverDue(deps).finally(() => deps.close());
    expect(receiver.received).toEqual([]);
    for (const [i, [, error]] of cases.entries()) {
      const [d] = await deliveriesOf(h.db, endpoints[i].id);
      expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
      expect(d.last_error).toMatch(error);
    }
  });

  it('with insecure URLs allowed (development), the same loopback name is delivered to', async () => {
    const org = await createOrg(h.db);
    const ep = await createEndpoint(h.db, { orgId: org.id, url: `http://localhost:${receiver.port}/hooks`, events: ['client.created'] });
    await createClient(h.db, org.id);
    const deps = attemptDeps(h.db, () => new Date(), testConfig());
    await deliverDue(deps).finally(() => deps.close());
    expect(receiver.received).toHaveLength(1);
    expect((await deliveriesOf(h.db, ep.id))[0]).toMatchObject({ status: 'delivered' });
  });

  it('the connect-time lookup refuses a name resolving to a refused address, in both lookup forms', async () => {
    const lookup = guardedLookup(false);
    const single = await new Promise<Error | null>((resolve) => lookup('localhost', { family: 4 }, (err) => resolve(err)));
    expect(single?.message).toMatch(/^refused: localhost resolves to 127\.0\.0\.1, a loopback address$/);
    const all = await new Promise<Error | null>((resolve) => lookup('localhost', { all: true }, (err) => resolve(err)));
    expect(all?.message).toMatch(/loopback address$/);
    const allowed = await new Promise<unknown>((resolve) => guardedLookup(true)('localhost', { family: 4 }, (err, address) => resolve(err ?? address)));
    expect(allowed).toBe('127.0.0.1');
  });
});
