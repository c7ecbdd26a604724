import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * An authenticating reverse proxy (oauth2-proxy, an SSO gateway) that Candor trusts to say who the
 * visitor is, in a header, but only on connections from the proxy's own addresses. Off unless
 * TRUSTED_PROXIES lists them.
 */
export interface TrustedProxies {
  /** Whether a connection from `address` is one of the trusted proxies. */
  trusts(address: string | undefined): boolean;
  /** The header carrying the signed-in person's email, lower case. */
  userHeader: string;
}

/** An address written as an IPv4-mapped IPv6 address (::ffff:10.0.0.1) is the IPv4 one. */
const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/** Whether `entry` is an IP address or a CIDR range; the message when it is not. */
export function proxyEntryProblem(entry: string): string | null {
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return `"${entry}" is not an IP address or CIDR range`;
  if (bits === undefined) return null;
  const max = family === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max
    ? null
    : `"${entry}" has a prefix length outside 0..${max}`;
}

/**
 * @example trustedProxies(['10.0.0.0/8', '::1'], 'x-forwarded-email').trusts('10.1.2.3') // true
 */
export function trustedProxies(entries: readonly string[], userHeader: string): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return {
    userHeader: userHeader.toLowerCase(),
    trusts(address) {
      if (!address || entries.length === 0) return false;
      const ip = plain(address);
      return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

const proxiedEmail = z.email().max(254);

/**
 * Who is asking, as far as this server can tell: the client's address (behind a trusted proxy,
 * the last address in X-Forwarded-For that is not one of the proxies) and, from a trusted proxy
 * only, the email it vouches for. Headers from anyone else are ignored.
 */
export function identify(
  proxies: TrustedProxies,
  remoteAddress: string | undefined,
  header: (name: string) => string | undefined,
): { ip: string; proxyEmail: string | null } {
  const direct = plain(remoteAddress ?? '');
  if (!proxies.trusts(direct)) return { ip: direct, proxyEmail: null };
  const hops = (header('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => plain(hop.trim()))
    .filter((hop) => isIP(hop));
  const ip = hops.reverse().find((hop) => !proxies.trusts(hop)) ?? direct;
  const email = proxiedEmail.safeParse(header(proxies.userHeader)?.trim().toLowerCase());
  return { ip, proxyEmail: email.success ? email.data : null };
}
