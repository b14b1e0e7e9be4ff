import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

// Media links come from webhook bodies and provider polls, which anyone holding a webhook URL can
// write. What this server may fetch: https to a public address, or a host the operator trusts
// (MEDIA_TRUSTED_HOSTS), over http too and on any address.

/** Why a link is refused, in words for a log line or an HTTP answer. */
export class MediaRefused extends Error {
  override name = 'MediaRefused';
}

/**
 * Whether `ip` is an ordinary public unicast address. Refuses loopback, RFC 1918, CGNAT
 * (100.64/10), link-local (169.254/16 with cloud metadata, fe80::/10), ULA (fc00::/7),
 * unspecified, multicast, broadcast, reserved and documentation ranges. An IPv4-mapped address
 * counts as the IPv4 address it carries; other IPv6 forms that can reach an IPv4 address (NAT64,
 * 6to4, Teredo) are refused outright.
 */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr.range() === 'unicast';
}

/** Whether a provider link is an absolute http(s) URL; nothing else is ever fetched or stored. */
export function isHttpLink(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** The URL's host without IPv6 brackets, as sockets and DNS take it. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** `trusted` items are `host` (any port) or `host:port`, lowercased (see config). */
export function isTrustedHost(url: URL, trusted: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return trusted.some((item) => item === host || item === `${host}:${port}`);
}

export interface CheckedUrl {
  url: URL;
  isTrusted: boolean;
}

/**
 * What can be told from the link alone: an absolute http(s) URL without credentials, https unless
 * the host is trusted, and no private IP literal (the URL parser has already turned forms like
 * 0x7f000001, 2130706433 or 0177.0.0.1 into dotted decimal). Names are checked again after DNS.
 */
export function checkMediaUrl(raw: string, trusted: readonly string[]): CheckedUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MediaRefused('the link is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MediaRefused(`links must be https, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username || url.password) throw new MediaRefused('links must not carry credentials');
  const isTrusted = isTrustedHost(url, trusted);
  if (isTrusted) return { url, isTrusted };
  if (url.protocol !== 'https:') {
    throw new MediaRefused(`plain http is refused for ${url.host}; links must be https`);
  }
  const host = bareHost(url);
  if (ipaddr.isValid(host) && !isPublicAddress(host)) {
    throw new MediaRefused(`${url.host} is not a public address`);
  }
  return { url, isTrusted };
}

/**
 * dns.lookup that hands the socket only public addresses: every address a name resolves to is
 * checked before any connection, so a name that resolves (or rebinds) to a private address is
 * refused rather than connected to.
 */
export const publicLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused || addresses.length === 0) {
      const error = new MediaRefused(
        `${hostname} resolves to ${refused?.address ?? 'no address'}, which is not a public address`,
      );
      return callback(error as NodeJS.ErrnoException, '', 0);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};
