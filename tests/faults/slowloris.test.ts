// Faults (issue 7, part 3): slowloris — many sockets trickling header bytes, never finishing their
// headers. The server closes each of them once the header timeout has passed, while normal
// clients are served as usual throughout.
import { connect, type Socket } from 'node:net';
import { hit, sleep, type Hit } from '../helpers/raw-http';
import { faultWorld, type FaultWorld } from '../helpers/fault-support';
import { spawnServer, type ServerProcess } from '../helpers/server-process';

jest.setTimeout(60_000);

const HEADERS_TIMEOUT_MS = 2000;
const SLOW_SOCKETS = 200;

describe('slowloris', () => {
  let w: FaultWorld;
  let server: ServerProcess;

  beforeAll(async () => {
    w = await faultWorld('SLOW');
    server = await spawnServer({ databaseUrl: w.database.url, env: { HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), WEBHOOK_WORKER: 'off' } });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await w?.close();
  });

  it(`${SLOW_SOCKETS} trickling sockets are closed by the header timeout; normal clients are served meanwhile`, async () => {
    const opened = Date.now();
    const closedAfter: number[] = [];
    const sockets: Socket[] = [];
    const timers: NodeJS.Timeout[] = [];
    for (let i = 0; i < SLOW_SOCKETS; i++) {
      const s = connect(server.port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => closedAfter.push(Date.now() - opened));
      s.on('connect', () => {
        s.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
        let n = 0;
        // One header line, a byte at a time, every 100 ms: always something new, never the end.
        const line = `X-Slow-${i}: ${'z'.repeat(20)}\r\n`;
        timers.push(setInterval(() => !s.destroyed && s.write(line[n++ % line.length]), 100));
      });
      sockets.push(s);
    }

    const normal: Hit[] = [];
    const deadline = opened + HEADERS_TIMEOUT_MS + 4000;
    while (Date.now() < deadline) {
      normal.push(await hit(`${server.url}/health`, { timeoutMs: 3000 }));
      await sleep(100);
    }
    // Give the last ones a moment, then count.
    await sleep(500);
    timers.forEach(clearInterval);
    const stillOpen = sockets.filter((s) => !s.destroyed).length;
    sockets.forEach((s) => s.destroy());

    expect(normal.length).toBeGreaterThan(10);
    expect(normal.filter((r) => r.status !== 200).map((r) => r.error ?? r.status)).toEqual([]);
    // Served while the slow sockets are still open, not queued until the header timeout cuts them.
    expect(Math.max(...normal.map((r) => r.ms))).toBeLessThan(HEADERS_TIMEOUT_MS);
    expect(stillOpen).toBe(0);
    expect(closedAfter.length).toBe(SLOW_SOCKETS);
    // Closed by the header timeout: not before it, and not long after it.
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(Math.max(...closedAfter)).toBeLessThan(HEADERS_TIMEOUT_MS + 3000);
    expect(server.alive()).toBe(true);
  });
});
