// The real server as a real process, for fault tests (tests/faults) and the soak (scripts/soak.mjs
// has its own copy in plain JS): `node --import tsx src/server.ts` — one process, so its pid,
// signals and exit code are the server's own. Loopback only; production settings; its JSON log
// lines kept for assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Parsed JSON log lines (stdout), and any other output. */
  logs: Array<Record<string, unknown>>;
  output: string[];
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGTERM (or the given signal) and wait for the exit; SIGKILL after `killAfterMs`. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Without `databaseUrl`, the server starts its embedded PostgreSQL (EMBEDDED_PG_DIR in `env`), as `make start` does. */
export async function spawnServer(opts: { databaseUrl?: string; env?: Record<string, string>; startTimeoutMs?: number; /** Another checkout to run (default: this one). */ cwd?: string }): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    DEMO: 'false',
    HOST: '127.0.0.1',
    PORT: String(port),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    LOG_LEVEL: 'info',
    WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64'),
    ...opts.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  const output: string[] = [];
  let listening: () => void = () => {};
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const onLine = (line: string) => {
    if (!line.trim()) return;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      logs.push(parsed);
      if (parsed.msg === 'listening') listening();
    } catch {
      output.push(line);
      if (/listening on http/.test(line)) listening(); // the banner, whatever LOG_LEVEL says
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  }
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  const timeout = opts.startTimeoutMs ?? 30_000;
  const started = await Promise.race([
    ready.then(() => true),
    exited.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(false), timeout).unref()),
  ]);
  if (!started) {
    const why = running ? `did not start within ${timeout} ms` : `exited (${JSON.stringify(await exited)}) before listening`;
    if (running) child.kill('SIGKILL');
    throw new Error(`server ${why}:\n${output.join('\n')}\n${logs.map((l) => JSON.stringify(l)).join('\n')}`);
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    port,
    logs,
    output,
    exited,
    alive: () => running,
    async stop(signal = 'SIGTERM', killAfterMs = 15_000) {
      if (!running) return exited;
      child.kill(signal);
      const timer = setTimeout(() => running && child.kill('SIGKILL'), killAfterMs);
      const out = await exited;
      clearTimeout(timer);
      return out;
    },
  };
}
