// Faults (issue 7, part 3): SIGTERM with 100 slow requests in flight (held in PostgreSQL by a row
// lock the test owns), on keep-alive connections, while another keep-alive client keeps sending
// requests on its open connection: the server stops accepting connections, every one of the 100
// completes with a 200 once the lock is released, answers during the shutdown say
// `Connection: close` so keep-alive clients let go, and the process exits 0 — by itself, after
// its last response, not at its shutdown timeout (which exits 1) and not by waiting for keep-alive
// sockets to expire (their timeout is set longer than the shutdown's). No stopwatch: the order of
// events in the server's own log and its exit code say it.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { faultWorld, holdKeyLock, lockWaiters, type FaultWorld, type HeldLock } from '../helpers/fault-support';
import { hit, sleep, until, type Hit } from '../helpers/raw-http';
import { spawnServer, type ServerProcess } from '../helpers/server-process';

jest.setTimeout(120_000);

const IN_FLIGHT = 100;

/**
 * The server has accepted every connection to `port` and read every byte sent on them: its
 * listening socket's accept queue is empty and so is the receive queue of each of the `count`
 * connections (Linux /proc/net/tcp; for a listening socket, rx_queue is its accept backlog).
 */
function serverReadAll(port: number, count: number): boolean {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const rows = readFileSync('/proc/net/tcp', 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const mine = rows.filter((r) => r[1].endsWith(local));
  const queued = (r: string[]) => parseInt(r[4].split(':')[1], 16);
  const listening = mine.filter((r) => r[3] === '0A');
  const established = mine.filter((r) => r[3] === '01');
  return listening.length === 1 && queued(listening[0]) === 0 && established.length === count && established.every((r) => queued(r) === 0);
}

describe('graceful shutdown', () => {
  let w: FaultWorld;
  let server: ServerProcess;
  let lock: HeldLock | undefined;

  beforeAll(async () => {
    w = await faultWorld('STOP');
    server = await spawnServer({
      databaseUrl: w.database.url,
      // Keep-alive sockets outlive the shutdown timeout: a shutdown that waited for them would end
      // in that timeout, with exit code 1.
      env: { DB_POOL_MAX: '10', DB_CONNECTION_TIMEOUT_MS: '60000', DB_STATEMENT_TIMEOUT_MS: '60000', SHUTDOWN_TIMEOUT_MS: '30000', KEEP_ALIVE_TIMEOUT_MS: '600000' },
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
    // Read by the server, not just sent: a request still in the kernel's queues at SIGTERM is not
    // in flight yet (its connection would be refused or closed as idle).
    await until('the server has read every request', () => serverReadAll(server.port, IN_FLIGHT));

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
    await until('the keep-alive client connected, its request read', () => serverReadAll(server.port, IN_FLIGHT + 1));

    server.child.kill('SIGTERM');
    await until('shutdown begun', () => server.logs.some((l) => String(l.msg).startsWith('shutting down')));
    // No new connection is accepted while the 100 finish.
    const late = await hit(`${server.url}/health`, { timeoutMs: 5000 });
    expect(late.error).toBe('ECONNREFUSED');
    expect(server.alive()).toBe(true);

    await lock.release();
    const results = await Promise.all(inFlight);
    const statuses = results.reduce<Record<string, number>>((acc, r) => ((acc[r.error ?? String(r.status)] = (acc[r.error ?? String(r.status)] ?? 0) + 1), acc), {});
    expect(statuses).toEqual({ '200': IN_FLIGHT });
    const exit = await server.exited;
    busyRunning = false;
    await busyLoop;
    // Exit 0: stop() finished — the shutdown timeout exits 1 and logs "shutdown timed out".
    expect(exit).toEqual({ code: 0, signal: null });
    const messages = server.logs.map((l) => String(l.msg));
    expect(messages.filter((m) => /timed out|error while stopping/.test(m))).toEqual([]);
    // In the server's own (ordered) log: every in-flight request answered, then "stopped", last.
    const answered = messages.flatMap((m, i) => (m === 'GET /api/v1/produits 200' ? [i] : []));
    expect(answered).toHaveLength(1 + IN_FLIGHT);
    const stopped = messages.indexOf('stopped');
    expect(stopped).toBeGreaterThan(Math.max(...answered));
    // Nothing the server answered or failed comes after it. (It exits right after logging it, yet one
    // full run under load captured ten unidentified lines behind it; this names them if they matter.)
    expect(messages.slice(stopped + 1).filter((m) => /^(GET|POST|PATCH|DELETE) |error|timed out|request failed/.test(m))).toEqual([]);
    // Keep-alive clients were told to go, so the process did not wait for their sockets.
    expect(results.every((r) => r.headers?.connection === 'close')).toBe(true);
    expect(busy.filter((r) => r.status !== undefined && r.status !== 200)).toEqual([]);
    busyAgent.destroy();
    agent.destroy();
  });
});
