import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import ipaddr from 'ipaddr.js';

/**
 * Who is asking, for per-address limits: the socket's peer, or with `trustedHops` proxies in
 * front, the address the outermost trusted proxy saw (read from the right of X-Forwarded-For,
 * since a client can put anything on its left). With 0 hops the header is ignored. IPv6
 * addresses count per /64, the block one subscriber gets, so rotating addresses inside it
 * earns no new budget.
 */
export function clientAddress(c: Context, trustedHops: number): string {
  return addressKey(clientIp(c, trustedHops));
}

/** The address clientAddress counts, as it was written (not yet a limit key). */
export function clientIp(c: Context, trustedHops: number): string {
  let peer = '';
  try {
    peer = getConnInfo(c).remote.address ?? '';
  } catch {
    // Not behind @hono/node-server (an in-process request): no socket to read.
  }
  const chain = [peer];
  if (trustedHops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    chain.push(...forwarded.reverse());
  }
  const address = chain[Math.min(trustedHops, chain.length - 1)] ?? '';
  return address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
}

/** An address as a limit key: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 as its /64. */
export function addressKey(raw: string): string {
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // isIP, not ipaddr.isValid: a forwarded entry like "127.1" is not an address a socket reports.
  if (!isIP(address)) return `unknown:${address.slice(0, 64)}`;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const prefix = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}
