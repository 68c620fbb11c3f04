/**
 * IPv4 and IPv6 addresses and CIDR ranges for the source-address context condition.
 *
 * Written here rather than taken from node:net (BlockList, isIP): the engine also runs in the
 * browser's policy simulator, and no address library is installed. The parser is strict on
 * purpose: dotted quads only, no leading zeros (`010.0.0.1` is octal to some parsers and
 * decimal to others), no zone ids. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is
 * compared as the IPv4 address it carries, because dual-stack servers report IPv4 clients
 * that way.
 */

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

export interface Cidr {
  bytes: IpBytes;
  prefix: number;
}

function parseIpv4(text: string): IpBytes | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    bytes[i] = Number(part);
  }
  return bytes;
}

/** Parses 16-bit hex groups separated by ":" (an IPv4 tail counts as two groups). */
function parseGroups(text: string, allowIpv4Tail: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (allowIpv4Tail && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) groups.push(parseInt(part, 16));
    else return undefined;
  }
  return groups;
}

function parseIpv6(text: string): IpBytes | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

function unmapIpv4(bytes: IpBytes): IpBytes {
  const mapped = bytes.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(text: string): IpBytes | undefined {
  if (text.length > 45) return undefined;
  const bytes = text.includes(":") ? parseIpv6(text) : parseIpv4(text);
  return bytes && unmapIpv4(bytes);
}

/** Parses `address/prefix` or a bare address (a range of one); see cidrProblem for the rules. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const raw = address.includes(":") ? parseIpv6(address) : parseIpv4(address);
  if (!raw) return undefined;
  const bits = raw.length * 8;
  const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  const bytes = unmapIpv4(raw);
  // ::ffff:192.0.2.0/120 is the IPv4 range 192.0.2.0/24.
  const prefix = Number(prefixText) - (raw.length - bytes.length) * 8;
  if (prefix < 0) return { bytes: raw, prefix: Number(prefixText) };
  return { bytes, prefix };
}

/** True when `address` lies within `range`. Addresses of the other family never do. */
export function cidrContains(range: Cidr, address: IpBytes): boolean {
  if (range.bytes.length !== address.length) return false;
  const full = range.prefix >> 3;
  for (let i = 0; i < full; i++) if (range.bytes[i] !== address[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (range.bytes[full]! & mask) === (address[full]! & mask);
}

function hasHostBits(range: Cidr): boolean {
  for (let i = 0; i < range.bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, range.prefix - i * 8));
    if ((range.bytes[i]! & (0xff >> keep)) !== 0) return true;
  }
  return false;
}

/** Why `text` is not an acceptable CIDR range, or undefined when it is. */
export function cidrProblem(text: string): string | undefined {
  const range = parseCidr(text);
  if (!range) return `"${text}" is not an IPv4 or IPv6 address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32).`;
  if (hasHostBits(range)) return `"${text}" has bits set after the /${text.split("/")[1]} prefix: write the first address of the range.`;
  return undefined;
}
