// The gift pages' service worker (scope /g/), apart from the app's: a recipient never installs
// the app, and this worker stores only the gifts they opened. Pages are asked from the server
// first, so a revoked gift stops (its 404 also forgets what was kept of it); the stored copy is
// used only when the network is not there. Audio is kept whole and Range requests are cut from
// it, since a 206 cannot be stored.
const CACHE = 'refrain-gifts-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

const codeOf = (path) => /^\/g\/([A-Za-z0-9_-]{22,43})(?:\/|$)/.exec(path)?.[1];

/** Forgets everything kept of one gift: its page, covers and audio. */
async function forget(code) {
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) {
    if (codeOf(new URL(request.url).pathname) === code) await cache.delete(request);
  }
}

async function fromNetworkFirst(request) {
  const cache = await caches.open(CACHE);
  const key = new URL(request.url);
  key.search = '';
  try {
    const response = await fetch(request);
    const code = codeOf(key.pathname);
    if (response.status === 404 && code) await forget(code);
    else if (response.status === 200) await cache.put(key.href, response.clone());
    return response;
  } catch (err) {
    const kept = await cache.match(key.href);
    if (kept) return kept;
    throw err;
  }
}

async function audio(request) {
  const cache = await caches.open(CACHE);
  let full = await cache.match(request.url);
  if (!full) {
    const response = await fetch(request.url);
    if (response.status !== 200) {
      const code = codeOf(new URL(request.url).pathname);
      if (response.status === 404 && code) await forget(code);
      return response;
    }
    await cache.put(request.url, response.clone());
    full = response;
  }
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range') || '');
  if (!range) return full;
  const blob = await full.blob();
  const size = blob.size;
  let start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
  let end = range[1] !== '' && range[2] !== '' ? Math.min(size - 1, Number(range[2])) : size - 1;
  if (start > end || start >= size) {
    return new Response(null, { status: 416, headers: { 'content-range': `bytes */${size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      'content-type': full.headers.get('content-type') || 'audio/mpeg',
      'content-range': `bytes ${start}-${end}/${size}`,
      'content-length': String(end - start + 1),
      'accept-ranges': 'bytes',
    },
  });
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  if (!url.pathname.startsWith('/g/')) return;
  if (url.pathname.endsWith('/audio.mp3')) event.respondWith(audio(event.request));
  else event.respondWith(fromNetworkFirst(event.request));
});

// The page names what it shows; everything is fetched and kept, then the page is told.
self.addEventListener('message', (event) => {
  if (event.data?.type !== 'keep') return;
  const port = event.ports[0];
  const urls = event.data.urls.filter((u) =>
    new URL(u, location.origin).pathname.startsWith('/g/'),
  );
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        Promise.all(
          urls.map(async (u) => {
            const response = await fetch(u);
            if (response.status !== 200) throw new Error(`${u}: ${response.status}`);
            await cache.put(new URL(u, location.origin).href, response);
          }),
        ),
      )
      .then(
        () => port.postMessage({ ok: true }),
        (err) => port.postMessage({ ok: false, error: String(err) }),
      ),
  );
});
