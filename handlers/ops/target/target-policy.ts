// Where a connection may point: the webhooks' address policy (src/webhooks/address-policy.ts)
// applied to database hosts, plus what is special to PostgreSQL targets — no Unix-socket
// directories, a short list of ports, private ranges only when listed, loopback only in tests.
// Checked at creation and update (400 naming the field) and again at every connection, on the
// addresses the name resolves to then: the session connects to an address checked here.
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Config } from '../../../src/config';
import { describeRefusal, refusalFor, type AddressRefusal } from '../../../src/webhooks/address-policy';

export interface TargetPolicy {
  allowLoopback: boolean;
  /** DB_TARGETS_ALLOWED_CIDRS: private, link-local and reserved addresses inside them are allowed. */
  allowedCidrs: BlockList;
  ports: readonly number[];
}

export type TargetConfig = Pick<Config, 'dbTargetsAllowLoopback' | 'dbTargetsAllowedCidrs' | 'dbTargetPorts'>;

export function targetPolicy(config: TargetConfig): TargetPolicy {
  const allowedCidrs = new BlockList();
  for (const c of config.dbTargetsAllowedCidrs) allowedCidrs.addSubnet(c.network, c.prefix, c.family);
  return { allowLoopback: config.dbTargetsAllowLoopback, allowedCidrs, ports: config.dbTargetPorts };
}

/** Resolves a host name to every address it has now (the injection point of the rebinding tests). */
export type TargetLookup = (hostname: string) => Promise<string[]>;

export const systemLookup: TargetLookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

// What an allowed CIDR may open. Never the metadata address, 0.0.0.0, multicast or mapped forms;
// loopback only through DB_TARGETS_ALLOW_LOOPBACK.
const LIFTABLE: ReadonlySet<AddressRefusal> = new Set(['private', 'link-local', 'reserved']);

/** Why this address may not be a target, in words; null when it may. */
export function addressProblem(address: string, policy: TargetPolicy): string | null {
  const refusal = refusalFor(address, { allowLoopback: policy.allowLoopback });
  if (refusal === null) return null;
  if (LIFTABLE.has(refusal) && policy.allowedCidrs.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6')) return null;
  const hint = refusal === 'loopback' ? '' : LIFTABLE.has(refusal) ? ' unless listed in DB_TARGETS_ALLOWED_CIDRS' : '';
  return `must not point to ${describeRefusal(refusal)} (${address})${hint}`;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
// Spellings that resolvers (inet_aton) read as an IPv4 address: 2130706433, 0x7f.1, 0177.0.0.1, 127.1.
const NUMERIC_SPELLING = /^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$/i;

/**
 * The host's form: an IP address in its usual spelling or a DNS name. `pg` reads a host starting
 * with '/' as a Unix-socket directory, and a libpq-style reader would split on ',' or read '='.
 */
export function hostFormProblem(host: string): string | null {
  if (host.startsWith('/') || host.startsWith('@')) return 'must be a host name or IP address, not a Unix-socket path';
  if (host.includes('%')) return 'must be an IPv6 address without brackets or zone, or a host name';
  const family = isIP(host);
  if (family !== 0) return null;
  if (NUMERIC_SPELLING.test(host)) return `must not spell an IPv4 address unusually (${host}); write it as four decimal numbers`;
  if (host.includes(':') || host.includes('[')) return 'must be an IPv6 address without brackets or zone, or a host name';
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253 || !name.split('.').every((l) => LABEL.test(l))) {
    return 'must be a host name (letters, digits, hyphens and dots) or an IP address';
  }
  return null;
}

export function portProblem(port: number, policy: TargetPolicy): string | null {
  return policy.ports.includes(port) ? null : `must be one of ${policy.ports.join(', ')} (DB_TARGET_PORTS)`;
}

const LOCALHOST = /^(.+\.)?localhost\.?$/i;

export type Resolution =
  | { ok: true; addresses: string[] }
  | { ok: false; problem: string; /** the name does not resolve (rather than resolving somewhere refused) */ unresolved: boolean };

/**
 * Every address the host stands for now, each checked. An IP literal is itself; a name is
 * resolved through `lookup` (bounded by `timeoutMs`).
 */
export async function resolveTarget(host: string, policy: TargetPolicy, lookup: TargetLookup = systemLookup, timeoutMs = 3000): Promise<Resolution> {
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else if (LOCALHOST.test(host)) {
    // RFC 6761: loopback whatever a resolver (or an injected one) says.
    addresses = ['127.0.0.1', '::1'];
  } else {
    let timer: NodeJS.Timeout | undefined;
    addresses = await Promise.race([
      lookup(host).catch(() => [] as string[]),
      new Promise<string[]>((done) => (timer = setTimeout(() => done([]), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (addresses.length === 0) return { ok: false, problem: `does not resolve (${host})`, unresolved: true };
  }
  for (const address of addresses) {
    const problem = addressProblem(address, policy);
    if (problem) return { ok: false, problem: isIP(host) ? problem : problem.replace(`(${address})`, `(${host} resolves to ${address})`), unresolved: false };
  }
  return { ok: true, addresses };
}
