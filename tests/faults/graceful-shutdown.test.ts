// Faults (issue 7, part 3): SIGTERM with 100 slow requests in flight (held in PostgreSQL by a row
// lock the test owns), on keep-alive connections, while another keep-alive client keeps sending
// requests on its open connection: the server stops accepting connections, every one of the 100
// completes with a 200 once the lock is released, answers during the shutdown say
// `Connection: close` so keep-alive clients let go, and the process exits 0 promptly.
import { Agent } from 'node:http';
import { faultWorld, holdKeyLock, lockWaiters, type FaultWorld, type HeldLock } from '../helpers/fault-support';
import { hit, sleep, until, type Hit } from '../helpers/raw-http';
import { spawnServer, type ServerProcess } from '../helpers/server-process';

jest.setTimeout(60_000);

const IN_FLIGHT = 100;

describe('graceful shutdown', () => {
  let w: FaultWorld;
  let server: ServerProcess;
  let lock: HeldLock | undefined;

  beforeAll(async () => {
    w = await faultWorld('STOP');
    server = await spawnServer({
      databaseUrl: w.database.url,
      env: { DB_POOL_MAX: '10', DB_CONNECTION_TIMEOUT_MS: '30000', DB_STATEMENT_TIMEOUT_MS: '30000', SHUTDOWN_TIMEOUT_MS: '10000' },
    });
  });
  afterAll(async () => {
    await lock?.release();
    await server?.stop('SIGKILL');
    await w?.close();
  });

  it(`SIGTERM with ${IN_FLIGHT} slow requests in flight → all complete, exit 0`, async () => {
    const headers = { 'X-API-Key': w.tenant.key };
    expect((await hit(`${server.url}/api/v1/produits`, { headers })).status).toBe(200);
    lock = await holdKeyLock(w.database.url, w.tenant.keyId);

    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    let sent = 0;
    const inFlight: Array<Promise<Hit>> = [];
    for (let i = 0; i < IN_FLIGHT; i++) inFlight.push(hit(`${server.url}/api/v1/produits?limit=${1 + (i % 200)}`, { headers, agent, timeoutMs: 45_000, onSent: () => sent++ }));
    await until('every request written', () => sent === IN_FLIGHT);
    await until('the pool busy, waiting on the lock', async () => (await lockWaiters(w.db, w.database.name)) === 10);
    await sleep(500); // the server has read all of them by now (its event loop has nothing else to do)

    // A keep-alive client that never stops (a load balancer's health check, a busy integration).
    const busyAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const busy: Hit[] = [];
    let busyRunning = true;
    const busyLoop = (async () => {
      while (busyRunning) {
        const r = await hit(`${server.url}/health`, { agent: busyAgent, timeoutMs: 5000 });
        busy.push(r);
        if (r.error) break;
        await sleep(50);
      }
    })();
    await sleep(300);

    server.child.kill('SIGTERM');
    await until('shutdown begun', () => server.logs.some((l) => String(l.msg).startsWith('shutting down')));
    // No new connection is accepted while the 100 finish.
    const late = await hit(`${server.url}/health`, { timeoutMs: 5000 });
    expect(late.error).toBe('ECONNREFUSED');
    expect(server.alive()).toBe(true);

    await lock.release();
    const released = Date.now();
    const results = await Promise.all(inFlight);
    const statuses = results.reduce<Record<string, number>>((acc, r) => ((acc[r.error ?? String(r.status)] = (acc[r.error ?? String(r.status)] ?? 0) + 1), acc), {});
    expect(statuses).toEqual({ '200': IN_FLIGHT });
    const exit = await server.exited;
    busyRunning = false;
    await busyLoop;
    expect(exit).toEqual({ code: 0, signal: null });
    // Keep-alive clients were told to go: the process did not wait for them (or for its timeout).
    expect(Date.now() - released).toBeLessThan(3000);
    expect(results.every((r) => r.headers?.connection === 'close')).toBe(true);
    expect(busy.filter((r) => r.status !== undefined && r.status !== 200)).toEqual([]);
    busyAgent.destroy();
    agent.destroy();
  });
});
