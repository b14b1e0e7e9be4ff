import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from './stack.ts';

export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/**
 * What a person does first on a page: touch it. A first visit to Home starts the app on such a
 * sign of intent (client/start.ts); the tagline is plain text, so the tap does nothing else.
 */
export async function showIntent(page: Page) {
  await page.locator('.shell__tagline').click();
}

/** Opens the app and waits until its service worker controls the page and a session exists. */
export async function openApp(
  context: BrowserContext,
  baseUrl: string,
  pathname = '/',
): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(`${baseUrl}${pathname}`);
  await showIntent(page);
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, {
    timeout: 30_000,
  });
  await page.getByTestId('sync-badge').waitFor();
  return page;
}

/** Waits until this page's outbox is empty (every op answered for good). */
export async function waitOutboxEmpty(page: Page, timeout = 30_000) {
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="sync-badge"]')?.getAttribute('data-waiting') === '0',
    undefined,
    { timeout },
  );
}

/** Saves a phone-size screenshot into docs/screens/ for the README. */
export async function screenshot(page: Page, name: string) {
  const dir = path.join(ROOT, 'docs', 'screens');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}

/** Fills one song of the compose form. */
export async function fillSong(page: Page, i: number, values: Record<string, string>) {
  for (const [field, value] of Object.entries(values)) {
    const el = page.locator(`#song-${i}-${field}`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
}

/** This page's session from IndexedDB, once the app has one (it is created in the background). */
export async function sessionOf(page: Page): Promise<{ token: string; ownerId: string }> {
  const read = () =>
    page.evaluate(async () => {
      const req = indexedDB.open('refrain');
      const idb: IDBDatabase = await new Promise((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      try {
        if (!idb.objectStoreNames.contains('kv')) return null;
        return await new Promise<{ token: string; ownerId: string } | null>((resolve, reject) => {
          const get = idb.transaction('kv').objectStore('kv').get('session');
          get.onsuccess = () => resolve(get.result?.value ?? null);
          get.onerror = () => reject(get.error);
        });
      } finally {
        idb.close();
      }
    });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const session = await read();
    if (session) return session;
    if (Date.now() > deadline) throw new Error('the app made no session within 30 s');
    await page.waitForTimeout(100);
  }
}

/** Every row of one of this page's IndexedDB stores (`outbox`, `drafts`, `rejected`, …). */
export async function readStore<T>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(async (store) => {
    const req = indexedDB.open('refrain');
    const idb: IDBDatabase = await new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    try {
      return await new Promise<T[]>((resolve, reject) => {
        const all = idb.transaction(store).objectStore(store).getAll();
        all.onsuccess = () => resolve(all.result as T[]);
        all.onerror = () => reject(all.error);
      });
    } finally {
      idb.close();
    }
  }, store);
}
