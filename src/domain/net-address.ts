// Reduces a client IP address to the key that failed-attempt throttling counts against.
import { isIP } from 'node:net';

const IPV6_PREFIX_GROUPS = 4; // a /64: one customer site, the smallest unit an ISP hands out

/**
 * The throttling key of a client address. IPv4 stays as it is. IPv6 becomes its /64 prefix in
 * RFC 5952 canonical form ("2001:db8:1:2::/64"), because a single host may rotate through 2^64
 * addresses (RFC 8981 privacy addresses) and counting per address would let it escape the limit.
 * An IPv4-mapped address (::ffff:1.2.3.4, what a dual-stack socket reports) is the IPv4 client.
 * Zone ids ("%eth0") are dropped: they name a local interface, not a client.
 * @throws RangeError when the input is not an IP address — request.ip always is one, so this is a bug.
 */
export function throttleAddressKey(ip: string): string {
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family !== 6) throw new RangeError(`not an IP address: ${JSON.stringify(ip)}`);
  const groups = parseIpv6(stripZone(ip));
  const mapped = ipv4Mapped(groups);
  if (mapped !== undefined) return mapped;
  const prefix = groups.map((group, index) => (index < IPV6_PREFIX_GROUPS ? group : 0));
  return `${formatIpv6(prefix)}/64`;
}

function stripZone(ip: string): string {
  const percent = ip.indexOf('%');
  return percent === -1 ? ip : ip.slice(0, percent);
}

/** Eight 16-bit groups; the input has been validated by isIP, so only the shapes it accepts occur. */
function parseIpv6(text: string): number[] {
  const [head = '', tail] = text.toLowerCase().split('::');
  const headGroups = parseGroups(head);
  if (tail === undefined) return headGroups;
  const tailGroups = parseGroups(tail);
  const zeros = new Array<number>(8 - headGroups.length - tailGroups.length).fill(0);
  return [...headGroups, ...zeros, ...tailGroups];
}

function parseGroups(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((piece) => {
    if (!piece.includes('.')) return [Number.parseInt(piece, 16)];
    // A trailing dotted quad fills the last two groups (RFC 4291 §2.2 form 3).
    const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  });
}

function ipv4Mapped(groups: readonly number[]): string | undefined {
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (!isMapped) return undefined;
  const high = groups[6] ?? 0;
  const low = groups[7] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** RFC 5952 §4: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as "::", leftmost on a tie. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; start += 1) {
    let length = 0;
    while (start + length < groups.length && groups[start + length] === 0) length += 1;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const before = hex.slice(0, bestStart).join(':');
  const after = hex.slice(bestStart + bestLength).join(':');
  return `${before}::${after}`;
}
