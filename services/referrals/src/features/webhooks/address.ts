import { isIP } from 'node:net';

/**
 * What kind of address an IP is, for deciding whether this service may
 * call it on a partner's behalf. Anything but `public` is inside some
 * network (ours, the cloud's metadata service, a carrier's) or not a
 * unicast host at all. Pure: no DNS.
 */
export type AddressKind =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'unique_local'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'invalid';

type Range = [prefix: number[], bits: number, kind: AddressKind];

const ipv4Ranges: Range[] = [
  [[0], 8, 'unspecified'],
  [[10], 8, 'private'],
  [[100, 64], 10, 'cgnat'],
  [[127], 8, 'loopback'],
  [[169, 254], 16, 'link_local'],
  [[172, 16], 12, 'private'],
  [[192, 0, 0], 24, 'reserved'],
  [[192, 0, 2], 24, 'reserved'],
  [[192, 88, 99], 24, 'reserved'],
  [[192, 168], 16, 'private'],
  [[198, 18], 15, 'reserved'],
  [[198, 51, 100], 24, 'reserved'],
  [[203, 0, 113], 24, 'reserved'],
  [[224], 4, 'multicast'],
  [[240], 4, 'reserved'],
];

const ipv6Ranges: Range[] = [
  [[0xfc], 7, 'unique_local'],
  [[0xfe, 0x80], 10, 'link_local'],
  [[0xfe, 0xc0], 10, 'reserved'],
  [[0xff], 8, 'multicast'],
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'reserved'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'reserved'],
  [[0x20, 0x01, 0x00], 23, 'reserved'],
];

function inRange(bytes: number[], prefix: number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const left = Math.min(8, bits - bit);
    const mask = (0xff << (8 - left)) & 0xff;
    if (((bytes[bit / 8] ?? 0) & mask) !== ((prefix[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv4Kind(bytes: number[]): AddressKind {
  if (bytes.every((byte) => byte === 255)) return 'reserved';
  return ipv4Ranges.find(([prefix, bits]) => inRange(bytes, prefix, bits))?.[2] ?? 'public';
}

/** The 16 bytes of an IPv6 address in any textual form, an embedded dotted IPv4 tail included. */
function ipv6Bytes(text: string): number[] | undefined {
  let bare = text.replace(/%.*$/, '');
  const dotted = bare.match(/^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    bare = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = parse(halves[0] ?? '');
  const right = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 0 : missing !== 0) return undefined;
  const groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  if (groups.some((group) => !Number.isInteger(group) || group < 0 || group > 0xffff)) return undefined;
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

function ipv6Kind(bytes: number[]): AddressKind {
  const zerosTo = (end: number) => bytes.slice(0, end).every((byte) => byte === 0);
  if (zerosTo(15) && bytes[15] === 0) return 'unspecified';
  if (zerosTo(15) && bytes[15] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:abcd:...) reach an IPv4 host.
  if (zerosTo(10) && bytes[10] === 0xff && bytes[11] === 0xff) return ipv4Kind(bytes.slice(12));
  if (inRange(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96)) return ipv4Kind(bytes.slice(12));
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return ipv4Kind(bytes.slice(2, 6));
  // The deprecated IPv4-compatible ::a.b.c.d, and anything else in ::/8.
  if (bytes[0] === 0) return 'reserved';
  return ipv6Ranges.find(([prefix, bits]) => inRange(bytes, prefix, bits))?.[2] ?? 'public';
}

export function addressKind(address: string): AddressKind {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(bare.replace(/%.*$/, ''));
  if (version === 4) return ipv4Kind(bare.split('.').map(Number));
  if (version === 6) {
    const bytes = ipv6Bytes(bare.toLowerCase());
    return bytes?.length === 16 ? ipv6Kind(bytes) : 'invalid';
  }
  return 'invalid';
}

export const isPublicAddress = (address: string): boolean => addressKind(address) === 'public';
