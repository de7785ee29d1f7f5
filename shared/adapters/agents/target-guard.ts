// SSRF guard: vets an agent URL's resolved addresses (loopback, private, link-local…) and pins the connection to them.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIPv4, isIPv6, type LookupFunction } from 'node:net';
import { AgentError } from '../../ports/agent-runner.ts';

export interface TargetGuardOptions {
  /** Allow private networks (10/8, 172.16/12, 192.168/16, fc00::/7) and CGNAT (100.64/10), e.g. agents inside a VPC. */
  allowPrivateTargets?: boolean;
  /** Allow loopback (127/8, ::1) and 0.0.0.0/8, e.g. agents on the local server's machine. */
  allowLoopback?: boolean;
  /** Exact hostnames (or IP literals) that bypass the guard. The only way to reach a link-local address. */
  allowedHosts?: string[];
}

export type AddressClass = 'loopback' | 'unspecified' | 'private' | 'cgnat' | 'link-local';

export interface AddressClassification {
  class: AddressClass;
  /** The refused range, for messages (e.g. "10.0.0.0/8"). */
  range: string;
}

const CLASS_LABEL: Record<AddressClass, string> = {
  loopback: 'a loopback address',
  unspecified: 'an unspecified ("this host") address',
  private: 'a private network address',
  cgnat: 'a carrier-grade NAT (shared) address',
  'link-local': 'a link-local address',
};

function ipv4Octets(address: string): number[] | null {
  if (!isIPv4(address)) return null;
  return address.split('.').map(Number);
}

/** The 8 hextets of a valid IPv6 address (zone id ignored, embedded dotted IPv4 accepted). */
function ipv6Hextets(address: string): number[] | null {
  let text = address.split('%')[0] ?? '';
  if (!isIPv6(text)) return null;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const octets = ipv4Octets(tail);
    if (octets === null) return null;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const restParts = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : 8 - headParts.length - restParts.length;
  const hextets = [...headParts, ...Array<string>(zeros).fill('0'), ...restParts].map((part) => Number.parseInt(part, 16));
  return hextets.length === 8 && hextets.every((h) => Number.isInteger(h) && h >= 0 && h <= 0xffff) ? hextets : null;
}

function classifyIPv4([a = 0, b = 0]: number[]): AddressClassification | null {
  if (a === 127) return { class: 'loopback', range: '127.0.0.0/8' };
  if (a === 0) return { class: 'unspecified', range: '0.0.0.0/8' };
  if (a === 10) return { class: 'private', range: '10.0.0.0/8' };
  if (a === 172 && b >= 16 && b <= 31) return { class: 'private', range: '172.16.0.0/12' };
  if (a === 192 && b === 168) return { class: 'private', range: '192.168.0.0/16' };
  if (a === 169 && b === 254) return { class: 'link-local', range: '169.254.0.0/16' };
  if (a === 100 && b >= 64 && b <= 127) return { class: 'cgnat', range: '100.64.0.0/10' };
  return null;
}

/** The refused class of an IP address, or null when it is a public address (or not an IP address at all). */
export function classifyAddress(address: string): AddressClassification | null {
  const octets = ipv4Octets(address);
  if (octets !== null) return classifyIPv4(octets);
  const h = ipv6Hextets(address);
  if (h === null) return null;
  const [h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0] = h;
  const embeddedV4 = [h6 >> 8, h6 & 0xff, h7 >> 8, h7 & 0xff];
  const firstFiveZero = h0 === 0 && h1 === 0 && h2 === 0 && h3 === 0 && h4 === 0;
  // IPv4-mapped (::ffff:a.b.c.d) and the NAT64 well-known prefix (64:ff9b::a.b.c.d) reach the embedded IPv4 address.
  if (firstFiveZero && h5 === 0xffff) return classifyIPv4(embeddedV4);
  if (h0 === 0x64 && h1 === 0xff9b && h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0) return classifyIPv4(embeddedV4);
  if (firstFiveZero && h5 === 0 && h6 === 0 && h7 === 1) return { class: 'loopback', range: '::1/128' };
  if (firstFiveZero && h5 === 0 && h6 === 0 && h7 === 0) return { class: 'unspecified', range: '::/128' };
  if ((h0 & 0xfe00) === 0xfc00) return { class: 'private', range: 'fc00::/7' };
  if ((h0 & 0xffc0) === 0xfe80) return { class: 'link-local', range: 'fe80::/10' };
  if ((h0 & 0xffc0) === 0xfec0) return { class: 'private', range: 'fec0::/10' };
  return null;
}

function isAllowed(classification: AddressClassification, options: TargetGuardOptions): boolean {
  switch (classification.class) {
    case 'loopback':
    case 'unspecified':
      return options.allowLoopback === true;
    case 'private':
    case 'cgnat':
      return options.allowPrivateTargets === true;
    case 'link-local':
      return false;
  }
}

function howToAllow(classification: AddressClassification, host: string): string {
  const listIt = `list "${host}" in allowedHosts`;
  switch (classification.class) {
    case 'loopback':
    case 'unspecified':
      return `Set allowLoopback (local development only) or ${listIt} to allow it.`;
    case 'private':
    case 'cgnat':
      return `Set allowPrivateTargets (agents inside your network) or ${listIt} to allow it.`;
    case 'link-local':
      return `This range holds the cloud metadata service, so only an explicit allowedHosts entry allows it: ${listIt}.`;
  }
}

/** The URL's hostname without IPv6 brackets, lower-cased. */
export function targetHost(url: URL): string {
  const host = url.hostname.toLowerCase();
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

/**
 * Checks a URL before anything connects: only http(s), and every address the host resolves to must be allowed.
 * Returns the vetted addresses to pin the connection to, or null when the host is in allowedHosts (no vetting, no pinning).
 */
export async function vetTarget(url: URL, options: TargetGuardOptions): Promise<LookupAddress[] | null> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AgentError('forbidden_target', `Agent URLs must be http: or https: (got ${url.protocol}).`);
  }
  const host = targetHost(url);
  if ((options.allowedHosts ?? []).some((allowed) => allowed.toLowerCase() === host)) return null;
  let addresses: LookupAddress[];
  if (isIPv4(host)) addresses = [{ address: host, family: 4 }];
  else if (isIPv6(host)) addresses = [{ address: host, family: 6 }];
  else {
    try {
      addresses = await resolveAll(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new AgentError('network', `Could not resolve the agent host "${host}" (${code}).`, { cause: error });
    }
    if (addresses.length === 0) throw new AgentError('network', `The agent host "${host}" resolves to no address.`);
  }
  for (const { address } of addresses) {
    const classification = classifyAddress(address);
    if (classification === null || isAllowed(classification, options)) continue;
    const via = address === host ? '' : ` (the host "${host}" resolves to it)`;
    throw new AgentError(
      'forbidden_target',
      `Refused to call ${address}${via}: it is ${CLASS_LABEL[classification.class]} in ${classification.range}. ${howToAllow(classification, host)}`,
    );
  }
  return addresses;
}

/** A `lookup` for http(s).request that answers only with the vetted addresses, so a second DNS answer (rebinding) is never used. */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    const candidates = addresses.filter((candidate) => family === 0 || candidate.family === family);
    const first = candidates[0];
    if (first === undefined) {
      const error: NodeJS.ErrnoException = new Error(`No vetted IPv${family} address for ${hostname}`);
      error.code = 'ENOTFOUND';
      callback(error, '', undefined);
      return;
    }
    if (options.all === true) callback(null, candidates.map((candidate) => ({ ...candidate })));
    else callback(null, first.address, first.family);
  };
}
