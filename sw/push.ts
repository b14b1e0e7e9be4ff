/// <reference lib="webworker" />
import type { PushNotice } from '../schema/push.ts';

declare const self: ServiceWorkerGlobalScope;

/** The notice in a push message, or undefined for one this app did not send. */
function noticeOf(event: PushEvent): PushNotice | undefined {
  try {
    const data = event.data?.json() as Partial<PushNotice> | undefined;
    if (typeof data?.title !== 'string' || typeof data.url !== 'string') return undefined;
    // Only this origin's pages open from a notification, whatever the message says.
    if (!data.url.startsWith('/') || data.url.startsWith('//')) return undefined;
    return {
      title: data.title,
      body: typeof data.body === 'string' ? data.body : '',
      url: data.url,
      tag: typeof data.tag === 'string' ? data.tag : data.url,
    };
  } catch {
    return undefined;
  }
}

// A push must show a notification (userVisibleOnly): an unreadable one still says something.
self.addEventListener('push', (event) => {
  const notice = noticeOf(event) ?? {
    title: 'Refrain',
    body: 'There is news about your songs.',
    url: '/',
    tag: 'refrain',
  };
  event.waitUntil(
    self.registration.showNotification(notice.title, {
      body: notice.body,
      tag: notice.tag,
      icon: '/icon-192.png',
      badge: '/icon-192.png',
      data: { url: notice.url },
    }),
  );
});

// A tap opens the page, in a window of the app already open when there is one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = (event.notification.data as { url?: string } | null)?.url ?? '/';
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows[0];
      if (open) {
        await open.focus();
        await open.navigate(target).catch(() => undefined);
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});
