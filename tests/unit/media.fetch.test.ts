import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioStorage } from '../../server/audio/storage.ts';
import { MediaRefused } from '../../server/media/address.ts';
import { fetchToFile } from '../../server/media/fetch.ts';
import { encodeMp3 } from '../helpers/mp3.ts';

// Two loopback servers: `trusted` plays the provider's file host (in MEDIA_TRUSTED_HOSTS), and
// `inside` plays a service on this machine that no media link may reach. `inside` counts the
// connections it gets, so "refused" also means "never connected to".

const MAX_BYTES = 64 * 1024;
const pcm = new Float32Array(32_000);
for (let i = 0; i < pcm.length; i++) pcm[i] = 0.25 * Math.sin((2 * Math.PI * 330 * i) / 32_000);
const MP3 = encodeMp3([pcm], 32_000, 64);
const HTML = '<!doctype html><html><body><h1>Admin</h1></body></html>';

let trusted: Server;
let inside: Server;
let trustedHost: string;
let insidePort: number;
let insideConnections = 0;
let dir: string;

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  inside = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(MP3),
  );
  inside.on('connection', () => insideConnections++);
  insidePort = await listen(inside);
  trusted = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const redirect = (to: string) => res.writeHead(302, { location: to }).end();
    const hops = /^\/hops\/(\d+)$/.exec(url.pathname);
    if (hops) return redirect(Number(hops[1]) > 0 ? `/hops/${Number(hops[1]) - 1}` : '/song.mp3');
    switch (url.pathname) {
      case '/song.mp3':
        return res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(MP3);
      case '/page.mp3':
        return res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(HTML);
      case '/to-inside':
        return redirect(`http://127.0.0.1:${insidePort}/song.mp3`);
      case '/to-inside-https':
        return redirect(`https://127.0.0.1:${insidePort}/song.mp3`);
      case '/to-localhost':
        return redirect(`https://localhost:${insidePort}/song.mp3`);
      case '/to-mapped':
        return redirect(`https://[::ffff:7f00:1]:${insidePort}/song.mp3`);
      case '/to-metadata':
        return redirect('http://169.254.169.254/latest/meta-data/');
      case '/to-file':
        return redirect('file:///etc/passwd');
      case '/declared-huge':
        return res.writeHead(200, { 'content-length': String(MAX_BYTES * 4) }).end();
      case '/endless': {
        res.writeHead(200, { 'content-type': 'audio/mpeg' });
        const chunk = Buffer.alloc(8192, 0xff);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        return pump();
      }
      case '/gone':
        return res.writeHead(404).end('Not Found');
      default:
        return res.writeHead(500).end();
    }
  });
  trustedHost = `127.0.0.1:${await listen(trusted)}`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-media-'));
});

afterAll(async () => {
  for (const server of [trusted, inside]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const policy = () => ({ trustedHosts: [trustedHost], maxBytes: MAX_BYTES, timeoutMs: 10_000 });
const dest = (name: string) => path.join(dir, name);
const fetchFrom = (pathOrUrl: string, name = 'out.bin') =>
  fetchToFile(
    pathOrUrl.startsWith('/') ? `http://${trustedHost}${pathOrUrl}` : pathOrUrl,
    dest(name),
    policy(),
  );

async function refusedWith(pathOrUrl: string, pattern: RegExp) {
  const name = `refused-${Math.random().toString(36).slice(2)}.bin`;
  const error = await fetchFrom(pathOrUrl, name).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(MediaRefused);
  expect((error as Error).message).toMatch(pattern);
  expect(fs.existsSync(dest(name))).toBe(false);
}

describe('fetchToFile', () => {
  it('fetches from a trusted host over http', async () => {
    const got = await fetchFrom('/song.mp3', 'song.mp3');
    expect(got.bytes).toBe(MP3.length);
    expect(fs.readFileSync(dest('song.mp3')).equals(MP3)).toBe(true);
  });

  it('follows up to five redirects, re-checking each, and refuses a sixth', async () => {
    // /hops/4 is five redirects (4, 3, 2, 1, 0 → the song); /hops/5 is six.
    expect((await fetchFrom('/hops/4', 'hops.mp3')).bytes).toBe(MP3.length);
    await refusedWith('/hops/5', /more than 5 redirects/);
  });

  it('refuses a redirect from a trusted host to a loopback port it does not trust, without connecting', async () => {
    const before = insideConnections;
    await refusedWith('/to-inside', /plain http is refused/);
    await refusedWith('/to-inside-https', /is not a public address/);
    await refusedWith('/to-mapped', /is not a public address/);
    await refusedWith('/to-localhost', /localhost resolves to .*not a public address/);
    await refusedWith('/to-metadata', /plain http is refused/);
    await refusedWith('/to-file', /links must be https, not file/);
    expect(insideConnections).toBe(before);
  });

  it('refuses a name that resolves to loopback before connecting (DNS is checked, not just the link)', async () => {
    const before = insideConnections;
    await refusedWith(`https://localhost:${insidePort}/song.mp3`, /resolves to/);
    expect(insideConnections).toBe(before);
  });

  it('refuses private and metadata addresses before any connection', async () => {
    await refusedWith('https://10.0.0.1/a.mp3', /10\.0\.0\.1 is not a public address/);
    await refusedWith('https://169.254.169.254/latest/meta-data/', /is not a public address/);
    await refusedWith('http://0x7f000001/', /plain http is refused/);
    await refusedWith('https://2130706433/', /127\.0\.0\.1 is not a public address/);
  });

  it('stops at the size limit, declared or streamed, and keeps nothing', async () => {
    await refusedWith('/declared-huge', /over the 65536 byte limit/);
    await refusedWith('/endless', /more than the 65536 byte limit/);
  });

  it('refuses a link that answers 404', async () => {
    await refusedWith('/gone', /answered 404/);
  });
});

describe('AudioStorage.download', () => {
  it('keeps a real MP3 and refuses an HTML page labelled audio/mpeg, leaving no file behind', async () => {
    const storage = new AudioStorage(path.join(dir, 'audio'), MAX_BYTES, [trustedHost]);
    const kept = await storage.download(`http://${trustedHost}/song.mp3`, 'slot/take.mp3', 'mp3');
    expect(kept.contentType).toBe('audio/mpeg');
    expect(fs.readFileSync(storage.resolve('slot/take.mp3')).equals(MP3)).toBe(true);

    await expect(
      storage.download(`http://${trustedHost}/page.mp3`, 'slot/page.mp3', 'mp3'),
    ).rejects.toThrow(/the file is not an MP3/);
    expect(fs.readdirSync(storage.resolve('slot'))).toEqual(['take.mp3']);
  });

  it('refuses every remote link when no host is trusted and the link is plain http', async () => {
    const storage = new AudioStorage(path.join(dir, 'strict'), MAX_BYTES);
    await expect(
      storage.download(`http://${trustedHost}/song.mp3`, 'slot/take.mp3', 'mp3'),
    ).rejects.toBeInstanceOf(MediaRefused);
  });
});
