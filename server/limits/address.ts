import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * Who is asking, for per-address limits: the socket's peer, or with `trustedHops` proxies in
 * front, the address the outermost trusted proxy saw (read from the right of X-Forwarded-For,
 * since a client can put anything on its left). With 0 hops the header is ignored. IPv6
 * addresses count per /64, the block one subscriber gets, so rotating addresses inside it
 * earns no new budget.
 */
export function clientAddress(c: Context, trustedHops: number): string {
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
  return addressKey(address);
}

/** An address as a limit key: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 as its /64. */
export function addressKey(raw: string): string {
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return isIP(address) === 4 ? address : `unknown:${address.slice(0, 64)}`;
  const hex = address.toLowerCase().replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [
      [a, b],
      [c, d],
    ]
      .map(([x, y]) => ((Number(x) << 8) | Number(y)).toString(16))
      .join(':'),
  );
  const [head = '', tail = ''] = hex.split('::');
  const left = head ? head.split(':') : [];
  const right = hex.includes('::') && tail ? tail.split(':') : [];
  const groups = hex.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
