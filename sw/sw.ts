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
import { serveAudio } from './audio.ts';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

// The app shell is precached so the app opens with no network at all.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every in-app navigation is answered by the cached shell; the API is never served from cache.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api\//, /^\/demo-checkout\//],
  }),
);

registerRoute(
  ({ url }) => url.pathname.startsWith('/api/audio/'),
  ({ request }) => serveAudio(request),
);

// The first install controls open pages at once (there is nothing older to disturb), so the app
// works offline from the first visit.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// A new version waits until the page asks for it, so an update never lands mid-draft.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Background Sync: drains the outbox after the tab is gone. Throwing tells the browser to try
// again later; ops leave the outbox only when the server answered them for good, and ops the
// server limited (429) are not sent again before the time it named, whoever drains.
self.addEventListener('sync', (event: Event) => {
  const e = event as Event & { tag: string; waitUntil(p: Promise<unknown>): void };
  if (e.tag !== SYNC_TAG) return;
  e.waitUntil(
    navigator.locks.request(OUTBOX_LOCK, async () => {
      const outcome = await drainOutbox(db(), { clientId: 'service-worker' });
      if (outcome.kind === 'retry' || outcome.kind === 'limited') throw new Error(outcome.error);
    }),
  );
});
