// Whether a URL may receive webhooks. At creation and update: the URL's form, an IP literal's
// address, and what the name resolves to now (400). At delivery the same rules are applied to the
// address actually connected to (guarded-agent.ts), since DNS answers can change.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { describeRefusal, refusalFor } from './address-policy';

export interface UrlPolicy {
  /** Development and tests only: plain http, and loopback receivers. */
  allowInsecure: boolean;
}

/** The host exactly as written (after the scheme and any userinfo, before the port). */
function rawHost(input: string): string {
  const afterScheme = input.trim().replace(/^[a-z][a-z0-9+.-]*:/i, '').replace(/^[/\\]*/, '');
  const authority = afterScheme.split(/[/\\?#]/)[0];
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/** The URL's problem in words (for a 400 naming the field), or the parsed URL. */
export function checkUrlForm(input: string, policy: UrlPolicy): { url: URL; problem?: undefined } | { url?: undefined; problem: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { problem: 'must be an absolute URL, e.g. https://example.com/webhooks' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowInsecure)) {
    return { problem: 'must use https' };
  }
  if (url.username || url.password) return { problem: 'must not contain a user name or password (deliveries are signed instead)' };
  if (!url.hostname) return { problem: 'must have a host name' };
  const host = bare(url.hostname);
  // The URL parser reads 2130706433, 0x7f.1, 0177.0.0.1 or 127.1 as 127.0.0.1: only the usual
  // dotted form of an IPv4 address is accepted, so no spelling slips past a reader or a filter.
  if (isIP(host) === 4 && rawHost(input).toLowerCase() !== host) {
    return { problem: `must not spell an IPv4 address unusually (${rawHost(input)} is ${host})` };
  }
  if (isIP(host)) {
    const refusal = refusalFor(host, { allowLoopback: policy.allowInsecure });
    if (refusal) return { problem: `must not point to ${describeRefusal(refusal)} (${host})` };
  }
  return { url };
}

export type Resolve = (hostname: string) => Promise<string[]>;

const systemResolve: Resolve = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * What the host name resolves to now, checked like the URL. A name that does not resolve (yet)
 * is accepted: it is checked again at every delivery.
 */
export async function checkUrlResolution(url: URL, policy: UrlPolicy, resolve: Resolve = systemResolve, timeoutMs = 3000): Promise<string | null> {
  const host = bare(url.hostname);
  if (isIP(host)) return null;
  let timer: NodeJS.Timeout | undefined;
  const addresses = await Promise.race([
    resolve(host).catch(() => [] as string[]),
    new Promise<string[]>((done) => (timer = setTimeout(() => done([]), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  for (const address of addresses) {
    const refusal = refusalFor(address, { allowLoopback: policy.allowInsecure });
    if (refusal) return `must not point to ${describeRefusal(refusal)} (${host} resolves to ${address})`;
  }
  return null;
}
