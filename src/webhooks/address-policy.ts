// Which network addresses a webhook may be delivered to: public unicast only. Checked on the
// address actually connected to (guarded-agent.ts), and on IP literals at creation.
import { BlockList, isIP } from 'node:net';

export type AddressRefusal =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cloud metadata'
  | 'multicast'
  | 'IPv4-mapped IPv6'
  | 'reserved';

function list(ranges: ReadonlyArray<readonly [string, number]>): BlockList {
  const b = new BlockList();
  for (const [net, prefix] of ranges) {
    if (prefix === (isIP(net) === 4 ? 32 : 128)) b.addAddress(net, isIP(net) === 4 ? 'ipv4' : 'ipv6');
    else b.addSubnet(net, prefix, isIP(net) === 4 ? 'ipv4' : 'ipv6');
  }
  return b;
}

// BlockList matches IPv4 addresses and their IPv4-mapped IPv6 forms alike, both ways: this one
// is consulted only for IPv6 addresses.
const IPV4_MAPPED = list([['::ffff:0:0', 96]]);

// First match wins: the metadata address is link-local too, but says more.
const RULES: ReadonlyArray<readonly [AddressRefusal, BlockList]> = [
  ['cloud metadata', list([['169.254.169.254', 32], ['fd00:ec2::254', 128]])],
  ['unspecified', list([['0.0.0.0', 8], ['::', 128]])],
  ['loopback', list([['127.0.0.0', 8], ['::1', 128]])],
  ['link-local', list([['169.254.0.0', 16], ['fe80::', 10]])],
  ['private', list([['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10], ['fc00::', 7]])],
  ['multicast', list([['224.0.0.0', 4], ['ff00::', 8]])],
  [
    'reserved',
    list([
      ['240.0.0.0', 4], // includes 255.255.255.255
      ['192.0.0.0', 24], // IETF protocol assignments
      ['192.0.2.0', 24], // documentation
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['198.18.0.0', 15], // benchmarking
      ['192.88.99.0', 24], // 6to4 relay
      ['::', 96], // IPv4-compatible (deprecated)
      ['64:ff9b::', 96], // NAT64: would reach an IPv4 address we did not check
      ['64:ff9b:1::', 48],
      ['100::', 64], // discard
      ['2001::', 32], // Teredo
      ['2001:db8::', 32], // documentation
      ['2002::', 16], // 6to4
      ['fec0::', 10], // site-local (deprecated)
    ]),
  ],
];

/** Why this IP address is refused, or null when it is a public unicast address. */
export function refusalFor(address: string, opts: { allowLoopback?: boolean } = {}): AddressRefusal | null {
  const family = isIP(address);
  if (family === 0) return 'reserved';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // Refused as such, whatever IPv4 address it carries: some stacks would connect to that address.
  if (type === 'ipv6' && IPV4_MAPPED.check(address, 'ipv6')) return 'IPv4-mapped IPv6';
  for (const [reason, blocks] of RULES) {
    if (blocks.check(address, type)) return reason === 'loopback' && opts.allowLoopback ? null : reason;
  }
  return null;
}

/** "a loopback address", "an IPv4-mapped IPv6 address": for messages. */
export const describeRefusal = (reason: AddressRefusal) => `${/^[aeiouAEIOU]/.test(reason) ? 'an' : 'a'} ${reason} address`;
