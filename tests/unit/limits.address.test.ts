import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from '../../server/limits/address.ts';

describe('client address', () => {
  it('keys IPv4 as is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7');
    expect(addressKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::77')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('[2001:db8:1:2::1]')).toBe('2001:db8:1:2::/64');
    expect(addressKey('64:ff9b::198.51.100.7')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('not an address')).toMatch(/^unknown:/);
  });

  // A request through Hono with a socket, as @hono/node-server hands it over.
  const ask = (hops: number, peer: string, forwardedFor?: string) => {
    const app = new Hono().get('/', (c) => c.text(clientAddress(c, hops)));
    const headers = forwardedFor ? { 'x-forwarded-for': forwardedFor } : undefined;
    const res = app.request('/', { headers }, { incoming: { socket: { remoteAddress: peer } } });
    return Promise.resolve(res).then((r) => r.text());
  };

  it('ignores X-Forwarded-For without trusted proxies, and reads it from the right with them', async () => {
    expect(await ask(0, '192.0.2.1', '203.0.113.5')).toBe('192.0.2.1');
    expect(await ask(1, '192.0.2.1', '203.0.113.5')).toBe('203.0.113.5');
    expect(await ask(1, '192.0.2.1', '6.6.6.6, 203.0.113.5')).toBe('203.0.113.5');
    expect(await ask(2, '192.0.2.1', '6.6.6.6, 203.0.113.5, 10.0.0.2')).toBe('203.0.113.5');
    // Fewer entries than trusted hops: the furthest one known.
    expect(await ask(3, '192.0.2.1', '203.0.113.5')).toBe('203.0.113.5');
    expect(await ask(1, '192.0.2.1')).toBe('192.0.2.1');
  });
});
