// Faults: with a pool of 2 connections, two requests stuck in PostgreSQL (a row
// lock held by the test) hold both:
//   - a third request → 503 SERVICE_UNAVAILABLE with Retry-After at the connection timeout —
//     answered while the two still hold the pool, so it did not wait for them; /health too;
//   - the two stuck requests → 503 when statement_timeout cancels their query, each logged with
//     the cause (57014) and its request id;
//   - once the lock is gone, the pool serves again (no connection leaked).
import { faultWorld, holdKeyLock, lockWaiters, type FaultWorld, type HeldLock } from '../helpers/fault-support';
import { hit, until } from '../helpers/raw-http';
import { spawnServer, type ServerProcess } from '../helpers/server-process';

jest.setTimeout(60_000);

const CONNECT_TIMEOUT_MS = 500;
// Far apart, so that which timeout answered which request is unambiguous even on a loaded machine.
const STATEMENT_TIMEOUT_MS = 5000;

describe('pool exhaustion and statement timeout', () => {
  let w: FaultWorld;
  let server: ServerProcess;
  let lock: HeldLock | undefined;

  beforeAll(async () => {
    w = await faultWorld('POOL');
    server = await spawnServer({
      databaseUrl: w.database.url,
      env: { DB_POOL_MAX: '2', DB_CONNECTION_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS), WEBHOOK_WORKER: 'off' },
    });
  });
  afterAll(async () => {
    await lock?.release();
    await server?.stop('SIGKILL');
    await w?.close();
  });

  const get = (path: string, timeoutMs = 15_000) => hit(`${server.url}${path}`, { headers: { 'X-API-Key': w.tenant.key }, timeoutMs });
  const is503 = (r: Awaited<ReturnType<typeof get>>) => {
    expect([r.status, r.body?.code, Number(r.headers?.['retry-after']) > 0]).toEqual([503, 'SERVICE_UNAVAILABLE', true]);
  };

  it('exhausted pool → 503 within the connection timeout; stuck queries → 503 at statement_timeout, logged; then it serves again', async () => {
    expect((await get('/api/v1/produits')).status).toBe(200); // the key's rate-limit window now exists
    lock = await holdKeyLock(w.database.url, w.tenant.keyId);

    let stuckAnswered = 0;
    const stuck = [get('/api/v1/produits'), get('/api/v1/familles')].map((p) => p.then((r) => (stuckAnswered++, r)));
    await until('both pool connections waiting on the lock', async () => (await lockWaiters(w.db, w.database.name)) === 2);

    // The pool is empty: the next requests wait for a connection, then give up.
    const [third, health] = await Promise.all([get('/api/v1/clients'), hit(`${server.url}/health`, { timeoutMs: 15_000 })]);
    is503(third);
    is503(health);
    // Answered while both connections were still held: the pool gave up, it did not wait its turn.
    expect(stuckAnswered).toBe(0);

    // statement_timeout cancels the stuck queries.
    const [s1, s2] = await Promise.all(stuck);
    for (const s of [s1, s2]) {
      is503(s);
      expect(s.ms).toBeGreaterThan(STATEMENT_TIMEOUT_MS - 300); // not before the timeout (its cause is checked below)
    }

    // Each 503 logged with its request id and its cause.
    const failed = (id: unknown) => server.logs.find((l) => l.msg === 'request failed' && (l.request_id ?? (l.req as { id?: string })?.id) === id);
    // (The log travels through a pipe: it may come in after the response.)
    await until('the three failures logged', () => [s1, s2, third].every((r) => failed(r.body?.request_id)), 5000);
    for (const s of [s1, s2]) expect((failed(s.body?.request_id)?.err as { code?: string })?.code).toBe('57014');
    expect(String((failed(third.body?.request_id)?.err as { message?: string })?.message)).toMatch(/timeout exceeded when trying to connect/);

    await lock.release();
    const after = await Promise.all(Array.from({ length: 6 }, () => get('/api/v1/produits')));
    expect(after.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(server.alive()).toBe(true);
  });
});
