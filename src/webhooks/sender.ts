// One HTTP POST of a webhook: no redirect followed (node:http never follows one), a hard timeout
// over the whole exchange, only the first bytes of the answer kept, and every refusal or network
// failure returned as an outcome rather than thrown.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DeliveryAgents } from './guarded-agent';
import { checkUrlForm, type UrlPolicy } from './url-policy';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  /** The first bytes of the response body (UTF-8, at most RESPONSE_EXCERPT_BYTES). */
  responseBody: string | null;
  error: string | null;
  /** From a 429 or 503 answer's Retry-After, in seconds. */
  retryAfterSeconds: number | null;
}

export const RESPONSE_EXCERPT_BYTES = 1024;
// A body larger than this is not read further: the socket is dropped instead.
const MAX_READ_BYTES = 64 * 1024;

export interface SendOptions {
  timeoutMs: number;
  policy: UrlPolicy;
  agents: DeliveryAgents;
  now?: () => Date;
}

/** Retry-After: delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export function postWebhook(target: string, body: string, headers: Record<string, string>, opts: SendOptions): Promise<SendOutcome> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  // No answer at all (refused address, connection error, timeout).
  const fail = (error: string): SendOutcome => ({ ok: false, statusCode: null, durationMs: elapsed(), responseBody: null, error, retryAfterSeconds: null });

  const checked = checkUrlForm(target, opts.policy);
  if (!checked.url) return Promise.resolve(fail(`refused: the URL ${checked.problem}`));
  const url = checked.url;
  const secure = url.protocol === 'https:';

  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = (secure ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: secure ? opts.agents.https : opts.agents.http,
      lookup: opts.agents.lookup,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Aura-Webhooks/1.0',
        ...headers,
      },
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${opts.timeoutMs / 1000} s`));
    }, opts.timeoutMs);

    req.on('error', (err) => finish(fail(err.message || String(err))));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let read = 0;
      const done = () => {
        const status = res.statusCode ?? 0;
        const excerpt = Buffer.concat(chunks).toString('utf8');
        const ok = status >= 200 && status < 300;
        finish({
          ok,
          statusCode: status,
          durationMs: elapsed(),
          responseBody: excerpt,
          error: ok ? null : status >= 300 && status < 400 ? `redirect (${status}) not followed` : `HTTP ${status}`,
          retryAfterSeconds: status === 429 || status === 503 ? parseRetryAfter(headerValue(res.headers['retry-after']), opts.now?.() ?? new Date()) : null,
        });
      };
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (kept < RESPONSE_EXCERPT_BYTES) {
          const part = chunk.subarray(0, RESPONSE_EXCERPT_BYTES - kept);
          chunks.push(part);
          kept += part.length;
        }
        if (read > MAX_READ_BYTES) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      // The status is known: a body cut short (reset, timeout) does not change the outcome.
      res.on('error', done);
      res.on('close', done);
    });
    req.end(body);
  });
}

const headerValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
