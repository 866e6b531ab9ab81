// The connect-time SSRF guard. Node calls an Agent's `lookup` for every new connection to a host
// name: ours resolves, refuses the connection if any address is not public, and hands the checked
// address to the socket — so a DNS answer that changes after creation (rebinding) is caught.
// IP literals never reach `lookup`; checkUrlForm refuses those before the request.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';
import { describeRefusal, refusalFor } from './address-policy';

export class RefusedAddressError extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED';
}

export function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as object), all: true } as LookupAllOptions, (err, addresses: LookupAddress[]) => {
      if (err) return (callback as (e: Error) => void)(err);
      for (const a of addresses) {
        const refusal = refusalFor(a.address, { allowLoopback });
        if (refusal) {
          return (callback as (e: Error) => void)(new RefusedAddressError(`refused: ${hostname} resolves to ${a.address}, ${describeRefusal(refusal)}`));
        }
      }
      if ((options as { all?: boolean }).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      (callback as (e: null, a: string, f: number) => void)(null, addresses[0].address, addresses[0].family);
    });
  };
}

export interface DeliveryAgents {
  http: HttpAgent;
  https: HttpsAgent;
  lookup: LookupFunction;
  destroy(): void;
}

/** A worker's agents keep connections alive: a reused socket was checked when it connected. */
export function createDeliveryAgents(allowLoopback: boolean, opts: { maxSockets?: number; keepAlive?: boolean } = {}): DeliveryAgents {
  const lookup = guardedLookup(allowLoopback);
  const agentOpts = { keepAlive: opts.keepAlive ?? true, maxSockets: opts.maxSockets ?? 64, maxFreeSockets: 16, lookup };
  const http = new HttpAgent(agentOpts);
  const https = new HttpsAgent(agentOpts);
  return {
    http,
    https,
    lookup,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}
