import { describe, expect, it } from 'vitest';
import {
  checkMediaUrl,
  isPublicAddress,
  MediaRefused,
  publicLookup,
} from '../../server/media/address.ts';

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '52.216.1.10', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (ip) => expect(isPublicAddress(ip)).toBe(true),
  );

  it.each([
    ['loopback', '127.0.0.1'],
    ['loopback, anywhere in 127/8', '127.255.255.254'],
    ['RFC 1918 10/8', '10.0.0.1'],
    ['RFC 1918 172.16/12', '172.16.5.4'],
    ['RFC 1918 192.168/16', '192.168.1.1'],
    ['CGNAT 100.64/10', '100.64.0.1'],
    ['link-local cloud metadata', '169.254.169.254'],
    ['unspecified', '0.0.0.0'],
    ['this network 0/8', '0.1.2.3'],
    ['multicast', '224.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 unique local fc00::/7', 'fc00::1'],
    ['IPv6 unique local fd00::/8', 'fd12:3456::1'],
    ['IPv6 multicast', 'ff02::1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback in hex', '::ffff:7f00:1'],
    ['IPv4-mapped metadata', '::ffff:169.254.169.254'],
    ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ['NAT64 of loopback', '64:ff9b::7f00:1'],
    ['6to4 of a private address', '2002:0a00:0001::1'],
    ['not an address', 'example.com'],
  ])('refuses %s (%s)', (_name, ip) => expect(isPublicAddress(ip)).toBe(false));
});

const refusal = (raw: string, trusted: string[] = []) => {
  try {
    checkMediaUrl(raw, trusted);
  } catch (err) {
    expect(err).toBeInstanceOf(MediaRefused);
    return (err as Error).message;
  }
  return undefined;
};

describe('checkMediaUrl', () => {
  it('accepts https links to public hosts and addresses', () => {
    expect(refusal('https://lalals.s3.amazonaws.com/conversions/x.mp3')).toBeUndefined();
    expect(refusal('https://8.8.8.8/a.mp3')).toBeUndefined();
    expect(checkMediaUrl('https://cdn.example.com/a.mp3', []).isTrusted).toBe(false);
  });

  it.each([
    ['a built-in engine path', 'local:2b1c8a52-55a4-4a43-9b51-3f5b4ad2b3c1/local-1.mp3'],
    ['a file URL', 'file:///etc/passwd'],
    ['a data URL', 'data:audio/mpeg;base64,AAAA'],
    ['ftp', 'ftp://files.example.com/a.mp3'],
    ['a relative path', '/files/a.mp3'],
    ['plain http to a public host', 'http://cdn.example.com/a.mp3'],
    ['credentials in the link', 'https://user:secret@cdn.example.com/a.mp3'],
  ])('refuses %s', (_name, raw) => expect(refusal(raw)).toBeDefined());

  it.each([
    ['loopback', 'https://127.0.0.1/a.mp3'],
    ['loopback written in hex', 'https://0x7f000001/a.mp3'],
    ['loopback written as one decimal number', 'https://2130706433/a.mp3'],
    ['loopback written in octal', 'https://0177.0.0.1/a.mp3'],
    ['loopback written short', 'https://127.1/a.mp3'],
    ['IPv6 loopback', 'https://[::1]/a.mp3'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/a.mp3'],
    ['IPv4-mapped metadata in hex', 'https://[::ffff:a9fe:a9fe]/latest/meta-data/'],
    ['a private address', 'https://10.0.0.1/a.mp3'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data/'],
    ['CGNAT', 'https://100.64.1.1/a.mp3'],
    ['unspecified', 'https://0.0.0.0/a.mp3'],
    ['IPv6 link-local', 'https://[fe80::1]/a.mp3'],
    ['IPv6 unique local', 'https://[fd00::1]/a.mp3'],
  ])('refuses an IP literal that is %s, before any connection', (_name, raw) => {
    expect(refusal(raw)).toMatch(/is not a public address/);
  });

  it.each(['http://0x7f000001/', 'http://2130706433/', 'http://127.0.0.1:5432/'])(
    'refuses plain http to %s',
    (raw) => expect(refusal(raw)).toMatch(/plain http is refused/),
  );

  it('lets a trusted host:port through over http and on loopback, and only that port', () => {
    const trusted = ['127.0.0.1:4567'];
    expect(checkMediaUrl('http://127.0.0.1:4567/files/a.mp3', trusted).isTrusted).toBe(true);
    // The URL parser turns other spellings of the address into the same host first.
    expect(checkMediaUrl('http://0x7f000001:4567/files/a.mp3', trusted).isTrusted).toBe(true);
    expect(refusal('http://127.0.0.1:4568/files/a.mp3', trusted)).toMatch(/plain http/);
    expect(refusal('https://127.0.0.1:4568/files/a.mp3', trusted)).toMatch(/not a public/);
  });

  it('trusts a bare host on any port, compared without case', () => {
    expect(checkMediaUrl('HTTP://Media.Local:9000/a.mp3', ['media.local']).isTrusted).toBe(true);
    expect(checkMediaUrl('http://media.local/a.mp3', ['media.local:80']).isTrusted).toBe(true);
    expect(refusal('http://media.local/a.mp3', ['media.local:8080'])).toBeDefined();
  });
});

describe('publicLookup', () => {
  const lookup = (host: string, all: boolean) =>
    new Promise<unknown>((resolve, reject) =>
      publicLookup(host, { all }, (err, address) => (err ? reject(err) : resolve(address))),
    );

  it('refuses a name that resolves to loopback, for single and all-address lookups', async () => {
    await expect(lookup('localhost', false)).rejects.toBeInstanceOf(MediaRefused);
    await expect(lookup('localhost', true)).rejects.toThrow(/not a public address/);
  });
});
