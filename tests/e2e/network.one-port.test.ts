import type { BrowserContext, Page, WebSocket } from 'playwright-core';
import { expect, inject, it } from 'vitest';
import { guestWith, type Guest } from '../helpers/guest.ts';
import { browserFixture } from '../helpers/fixtures.ts';
import { createForm } from '../helpers/ops.ts';
import { openApp, PHONE, sessionOf } from '../helpers/pages.ts';

const web = browserFixture();
const { baseUrl, zeroUrl } = inject('stack');

/** The page's WebSockets, and a promise of the first that zero-cache answered on. */
function watchSockets(page: Page) {
  const urls: string[] = [];
  let live!: (ws: WebSocket) => void;
  const connected = new Promise<WebSocket>((r) => (live = r));
  page.on('websocket', (ws) => {
    urls.push(ws.url());
    ws.once('framereceived', () => live(ws));
  });
  return { urls, connected };
}

/** Opens the app and checks its live sync goes to this port's /zero, and nowhere else. */
async function openSyncingThroughPort(context: BrowserContext): Promise<Page> {
  let sockets: ReturnType<typeof watchSockets> | undefined;
  context.on('page', (p) => (sockets = watchSockets(p)));
  const page = await openApp(context, baseUrl);
  const ws = await sockets!.connected;
  expect(ws.url()).toMatch(syncSocket);
  expect(sockets!.urls.every((u) => syncSocket.test(u))).toBe(true);
  return page;
}

/** The page's own guest, to write through the API as another device of the same owner would. */
async function guestOf(page: Page): Promise<Guest> {
  return guestWith(baseUrl, await sessionOf(page));
}

/** Writes `value` under `key` in the app's IndexedDB key-value store, as an older app did. */
function putKv(page: Page, key: string, value: string | undefined) {
  return page.evaluate(
    async ([key, value]) => {
      const req = indexedDB.open('refrain');
      const idb: IDBDatabase = await new Promise((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      try {
        await new Promise<void>((resolve, reject) => {
          const tx = idb.transaction('kv', 'readwrite');
          if (value === undefined) tx.objectStore('kv').delete(key!);
          else tx.objectStore('kv').put({ key, value });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      } finally {
        idb.close();
      }
    },
    [key, value] as const,
  );
}

const syncSocket = new RegExp(
  `^ws://127\\.0\\.0\\.1:${new URL(baseUrl).port}/zero/sync/v\\d+/connect\\?`,
);

it("the page's live sync goes through the app's own port, and a form written elsewhere shows up on screen", async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openSyncingThroughPort(context);

  const formId = await createForm(await guestOf(page), 1);
  const row = page.locator(`[data-form-id="${formId}"]`);
  await row.waitFor({ timeout: 30_000 });
  expect(await row.textContent()).toContain('For Ana');
  await context.close();
});

it("a device that cached zero-cache's own port before the upgrade connects through /zero anyway", async () => {
  const context = await web.browser.newContext(PHONE);
  const first = await openApp(context, baseUrl);
  await sessionOf(first);
  // What an installed app stored: the page's host on ZERO_PORT, and no entry under the new key.
  await putKv(first, 'syncUrl', zeroUrl);
  await putKv(first, 'zeroUrl', undefined);
  await first.close();

  const page = await openSyncingThroughPort(context);

  const formId = await createForm(await guestOf(page), 2);
  await page.locator(`[data-form-id="${formId}"]`).waitFor({ timeout: 30_000 });
  await context.close();
});
