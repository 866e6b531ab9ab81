// Plain HTTP requests to a server process, never throwing: a status, or the error that stood in for
// one (refused, reset, timed out). Fault tests count both.
import { request, type Agent } from 'node:http';

export interface Hit {
  started: number;
  ms: number;
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: { code?: string; request_id?: string; [k: string]: unknown };
  text?: string;
  error?: string;
}

export function hit(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; agent?: Agent; onSent?: () => void } = {}): Promise<Hit> {
  const started = Date.now();
  return new Promise<Hit>((resolve) => {
    let done = false;
    const finish = (h: Omit<Hit, 'started' | 'ms'>) => {
      if (done) return;
      done = true;
      resolve({ started, ms: Date.now() - started, ...h });
    };
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: Hit['body'];
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        finish({ status: res.statusCode, headers: res.headers, body, text });
      });
      res.on('error', (err) => finish({ error: err.message }));
    });
    req.on('error', (err) => finish({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.on('finish', () => opts.onSent?.());
    if (opts.timeoutMs) {
      req.setTimeout(opts.timeoutMs, () => {
        finish({ error: `no answer within ${opts.timeoutMs} ms` });
        req.destroy();
      });
    }
    req.end(opts.body);
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}
