// SSRF guard: vets an agent URL's resolved addresses (loopback, private, link-local…) and pins the connection to them.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIPv4, isIPv6, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AgentError } from '../../ports/agent-runner.ts';

export interface TargetGuardOptions {
  /** Allow private networks (10/8, 172.16/12, 192.168/16, fc00::/7) and CGNAT (100.64/10), e.g. agents inside a VPC. */
  allowPrivateTargets?: boolean;
  /** Allow loopback (127/8, ::1) and 0.0.0.0/8, e.g. agents on the local server's machine. */
  allowLoopback?: boolean;
  /** Exact hostnames (or IP literals) that bypass the guard. The only way to reach a link-local address. */
  allowedHosts?: string[];
}

export type AddressClass = 'loopback' | 'unspecified' | 'private' | 'cgnat' | 'link-local' | 'special';

export interface AddressClassification {
  class: AddressClass;
  /** The refused range, for messages (e.g. "10.0.0.0/8", or "benchmarking 198.18.0.0/15"). */
  range: string;
}

const CLASS_LABEL: Record<AddressClass, string> = {
  loopback: 'a loopback address',
  unspecified: 'an unspecified ("this host") address',
  private: 'a private network address',
  cgnat: 'a carrier-grade NAT (shared) address',
  'link-local': 'a link-local address',
  special: 'a special-purpose address (not globally routable)',
};

/** ipaddr.js's ranges, as this guard's classes; every range it names that is not listed here is 'special'. */
const CLASS_OF_RANGE: Record<string, AddressClass | null> = {
  unicast: null,
  loopback: 'loopback',
  unspecified: 'unspecified',
  private: 'private',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  carrierGradeNat: 'cgnat',
  linkLocal: 'link-local',
};

/** The CIDR of the special range an address falls in, from ipaddr.js's own table. */
function cidrOf(address: ipaddr.IPv4 | ipaddr.IPv6, range: string): string {
  type Subnet = [ipaddr.IPv4 | ipaddr.IPv6, number];
  const table = (address.kind() === 'ipv4' ? ipaddr.IPv4 : ipaddr.IPv6).prototype as unknown as { SpecialRanges: Record<string, Subnet | Subnet[]> };
  const subnets = table.SpecialRanges[range] ?? [];
  const list = (Array.isArray(subnets[0]) ? subnets : [subnets]) as Subnet[];
  const match = list.find(([network, bits]) => network.kind() === address.kind() && (address as ipaddr.IPv4).match(network as ipaddr.IPv4, bits));
  return match ? `${match[0].toString()}/${match[1]}` : range;
}

/**
 * The IPv4 address an IPv6 address carries and would reach: IPv4-mapped and -compatible (::ffff:a.b.c.d, ::a.b.c.d),
 * SIIT (rfc6145), NAT64's well-known prefix (64:ff9b::/96), 6to4 (2002:AABB:CCDD::/48) and Teredo (client address
 * in the last 32 bits, inverted). Undefined when it embeds none.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const parts = address.parts;
  const fromWords = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return fromWords(parts[6]!, parts[7]!);
  if (range === 'rfc6052' && parts[1] === 0xff9b && parts[2] === 0) return fromWords(parts[6]!, parts[7]!);
  if (range === '6to4') return fromWords(parts[1]!, parts[2]!);
  if (range === 'teredo') return fromWords(parts[6]! ^ 0xffff, parts[7]! ^ 0xffff);
  // IPv4-compatible (::a.b.c.d, deprecated): 96 zero bits, then an address other than :: and ::1.
  if (parts.slice(0, 6).every((part) => part === 0) && (parts[6] !== 0 || parts[7]! > 1)) return fromWords(parts[6]!, parts[7]!);
  return undefined;
}

function classify(address: ipaddr.IPv4 | ipaddr.IPv6): AddressClassification | null {
  if (address.kind() === 'ipv6') {
    const inner = embeddedIPv4(address as ipaddr.IPv6);
    if (inner) return classify(inner);
  }
  const range = address.range();
  const known = CLASS_OF_RANGE[range];
  if (known === null) return null;
  const cidr = cidrOf(address, range);
  if (known !== undefined) return { class: known, range: cidr };
  return { class: 'special', range: cidr === range ? range : `${range} ${cidr}` };
}

/** The refused class of an IP address, or null when it is a public address (or not an IP address at all). */
export function classifyAddress(address: string): AddressClassification | null {
  const text = address.split('%')[0] ?? '';
  if (!ipaddr.isValid(text)) return null;
  return classify(ipaddr.parse(text));
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
    case 'special':
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
    case 'special':
      return `No agent can live there; if yours really does, ${listIt}.`;
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
  return (
    hostname: string,
    options: LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    const candidates = addresses.filter((candidate) => family === 0 || candidate.family === family);
    const first = candidates[0];
    if (first === undefined) {
      const error: NodeJS.ErrnoException = new Error(`No vetted IPv${family} address for ${hostname}`);
      error.code = 'ENOTFOUND';
      callback(error, '', undefined);
      return;
    }
    if (options.all === true)
      callback(
        null,
        candidates.map((candidate) => ({ ...candidate })),
      );
    else callback(null, first.address, first.family);
  };
}
