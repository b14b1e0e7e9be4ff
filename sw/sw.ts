/// <reference lib="webworker" />
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { db } from '../client/data/db.ts';
import { drainOutbox } from '../client/data/outbox.ts';
import { OUTBOX_LOCK, SYNC_TAG } from '../client/data/sync.ts';
import { KEPT_PREFIX } from '../client/data/kept.ts';
import { serveAudio } from './audio.ts';
import { serveKept } from './kept.ts';
import './push.ts';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

// The app shell is precached so the app opens with no network at all.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every in-app navigation is answered by the cached shell; the API is never served from cache.
// Gift pages (/g/) are the server's own pages, kept offline by their own worker (public/g/sw.js).
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api\//, /^\/demo-checkout\//, /^\/g\//],
  }),
);

registerRoute(
  ({ url }) => url.pathname.startsWith('/api/audio/'),
  ({ request }) => serveAudio(request),
);

// Songs the person kept on this device (the library's "Keep on this device").
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith(KEPT_PREFIX),
  ({ request }) => serveKept(request),
);

// The first install controls open pages at once (there is nothing older to disturb), so the app
// works offline from the first visit.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// A new version waits until the page asks for it, so an update never lands mid-draft.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Background Sync: drains the outbox after the tab is gone, by the page's own rules (unlike
// workbox-background-sync, which drops a request on any HTTP answer, a 5xx included). Throwing
// tells the browser to try again later; ops leave the outbox only when the server answered them
// for good, ops the server limited (429) wait the time it named, and an op that keeps failing
// waits its own backoff and is then set aside, whoever drains, while the others go on.
self.addEventListener('sync', (event: Event) => {
  const e = event as Event & { tag: string; waitUntil(p: Promise<unknown>): void };
  if (e.tag !== SYNC_TAG) return;
  e.waitUntil(
    navigator.locks.request(OUTBOX_LOCK, async () => {
      const outcome = await drainOutbox(db(), { clientId: 'service-worker' });
      if (outcome.kind === 'retry' || outcome.kind === 'limited') throw new Error(outcome.error);
      if (outcome.kind === 'waiting') throw new Error('an op waits for its next try');
    }),
  );
});
