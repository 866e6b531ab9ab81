// Faults (issue 7, part 3): the database goes away under load, twice — every backend of the server
// terminated (pg_terminate_backend), then the database "restarted" (a proxy drops every connection
// and refuses new ones for 2.5 s). The server process, under steady load throughout:
//   - stays up;
//   - answers every request with 200, or 503 SERVICE_UNAVAILABLE with Retry-After — never another
//     5xx, never a hang;
//   - answers 503 while the database is away;
//   - recovers by itself: every request started a moment after the database is back gets a 200.
import { faultWorld, terminateBackends, type FaultWorld } from '../helpers/fault-support';
import { hit, sleep, type Hit } from '../helpers/raw-http';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

jest.setTimeout(60_000);

const CONNECT_TIMEOUT_MS = 1000;

describe('the database goes away under load', () => {
  let w: FaultWorld;
  let proxy: TcpProxy;
  let server: ServerProcess;

  beforeAll(async () => {
    w = await faultWorld('AWAY');
    const admin = new URL(process.env.AURA_TEST_ADMIN_URL!);
    proxy = await startTcpProxy({
      host: admin.hostname,
      port: Number(admin.port || 5432),
      user: decodeURIComponent(admin.username || 'postgres'),
      password: decodeURIComponent(admin.password),
    });
    server = await spawnServer({
      databaseUrl: proxy.urlFor(w.database.name),
      env: { DB_CONNECTION_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), DB_POOL_MAX: '5', DB_STATEMENT_TIMEOUT_MS: '5000', WEBHOOK_POLL_MS: '200', RATE_LIMIT_ORG_PER_MINUTE: '1000000000' },
    });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await proxy?.close();
    await w?.close();
  });

  it('stays up, answers 503 with Retry-After while it is away, and recovers by itself', async () => {
    const t0 = Date.now();
    const results: Array<Hit & { path: string }> = [];
    let running = true;
    const paths = ['/api/v1/produits', '/api/v1/tickets?withLignes=true', '/health', '/api/v1/whoami'];
    const loops = Array.from({ length: 6 }, async (_, i) => {
      for (let n = 0; running; n++) {
        const path = paths[(i + n) % paths.length];
        // A hang, not a slow answer on a busy machine, is what this budget catches (an error → bad).
        const r = await hit(`${server.url}${path}`, { headers: { 'X-API-Key': w.tenant.key }, timeoutMs: 20_000 });
        results.push({ ...r, path });
        await sleep(r.error ? 20 : 5);
      }
    });

    const marks: Record<string, number> = {};
    await sleep(1000);
    marks.terminate = Date.now();
    let terminated = 0;
    for (let i = 0; i < 3; i++) {
      terminated += await terminateBackends(w.db, w.database.name);
      await sleep(200);
    }
    await sleep(1000);
    marks.down = Date.now();
    await proxy.down();
    await sleep(2500);
    await proxy.up();
    marks.up = Date.now();
    await sleep(3500);
    running = false;
    await Promise.all(loops);

    const rel = (t: number) => t - t0;
    const summary = (rs: typeof results) => rs.reduce<Record<string, number>>((acc, r) => ((acc[r.error ?? String(r.status)] = (acc[r.error ?? String(r.status)] ?? 0) + 1), acc), {});
    const context = `terminated ${terminated} backends at +${rel(marks.terminate)} ms; down +${rel(marks.down)}..+${rel(marks.up)} ms; all: ${JSON.stringify(summary(results))}`;

    // The process is up, and said nothing about an uncaught error.
    expect(server.alive()).toBe(true);
    expect(server.logs.filter((l) => /uncaught|unhandled/i.test(String(l.msg)))).toEqual([]);
    expect(terminated).toBeGreaterThan(0);

    // Only 200, or 503 SERVICE_UNAVAILABLE with Retry-After; no hang, no reset.
    const bad = results.filter((r) => !(r.status === 200 || (r.status === 503 && r.body?.code === 'SERVICE_UNAVAILABLE' && Number(r.headers?.['retry-after']) > 0)));
    expect([context, bad.slice(0, 5).map((r) => `${r.path} +${rel(r.started)} ms → ${r.error ?? r.status} ${r.text?.slice(0, 200) ?? ''}`)]).toEqual([context, []]);

    // Away: 503s (requests started well inside the window).
    const away = results.filter((r) => r.started > marks.down + 300 && r.started + r.ms < marks.up);
    expect(away.length).toBeGreaterThan(5);
    expect([context, summary(away)]).toEqual([context, { '503': away.length }]);

    // Back: every request started a moment after the database came back is a 200.
    const back = results.filter((r) => r.started > marks.up + 1500);
    expect(back.length).toBeGreaterThan(10);
    expect([context, summary(back)]).toEqual([context, { '200': back.length }]);
  });

  it('logs each 503 with its cause (terminated connections, then refused ones)', () => {
    const failed = server.logs.filter((l) => l.msg === 'request failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((l) => l.code === 'SERVICE_UNAVAILABLE')).toBe(true);
    const causes = new Set(failed.map((l) => String((l.err as { code?: string; message?: string })?.code ?? (l.err as { message?: string })?.message)));
    if (process.env.FAULT_DEBUG) process.stdout.write(`${[...causes].join('\n')}\n`);
    expect([...causes].some((c) => /ECONNREFUSED|timeout exceeded|Connection terminated/i.test(c))).toBe(true);
  });
});
