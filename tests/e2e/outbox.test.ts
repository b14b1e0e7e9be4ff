import { expect, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { fillSong, openApp, PHONE, waitOutboxEmpty } from '../helpers/pages.ts';

const fx = musicGptFixture();
const web = browserFixture();
const { sql } = fx;

const outboxSize = (page: import('playwright-core').Page) =>
  page.getByTestId('sync-badge').getAttribute('data-waiting').then(Number);

it('a 5xx keeps every op until the server answers for good; a refused op is kept and shown, not lost', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  await waitOutboxEmpty(page);

  // The server is "down" (503) for the first two sends, whoever sends them: the page, or the
  // service worker's Background Sync (a context route sees the worker's requests too).
  let refused = 0;
  await context.route('**/api/sync', async (route) => {
    if (refused < 2) {
      refused++;
      await route.fulfill({
        status: 503,
        body: '{"error":"down"}',
        contentType: 'application/json',
      });
    } else {
      await route.continue();
    }
  });
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, {
    recipient: 'Hana',
    occasion: 'birthday',
    story: 'She sang in the car every summer.',
  });
  const formId = page.url().split('/').pop()!;
  await expect.poll(() => refused, { timeout: 20_000 }).toBe(2);
  expect(await outboxSize(page)).toBeGreaterThan(0);
  await waitOutboxEmpty(page, 60_000);
  const [form] =
    await sql`select draft->'songs'->0->>'story' as story from forms where id = ${formId}`;
  expect(form!.story).toBe('She sang in the car every summer.');
  await context.unroute('**/api/sync');

  // A retry of a slot that is not failed is refused for good: it leaves the outbox, and the
  // person sees why instead of the change vanishing.
  await page.evaluate(async (id) => {
    const req = indexedDB.open('refrain');
    const idb: IDBDatabase = await new Promise((r) => (req.onsuccess = () => r(req.result)));
    await new Promise<void>((resolve) => {
      const tx = idb.transaction('outbox', 'readwrite');
      tx.objectStore('outbox').add({
        id: crypto.randomUUID(),
        type: 'slot.retry',
        args: { slotId: id },
        createdAt: Date.now(),
        attempts: 0,
      });
      tx.oncomplete = () => resolve();
    });
  }, '00000000-0000-4000-8000-000000000000');
  await page.goto(`${fx.server.baseUrl}/`);
  await waitOutboxEmpty(page);
  await page
    .getByRole('alert')
    .getByText(/slot 00000000-0000-4000-8000-000000000000 does not exist/)
    .waitFor({ timeout: 20_000 });

  // Duplicate: a new draft with the same words, its own id.
  const row = page.locator(`[data-form-id="${formId}"]`);
  await row.getByRole('button', { name: 'Duplicate' }).click();
  await page.waitForURL(/\/compose\//);
  expect(page.url()).not.toContain(formId);
  await expect.poll(() => page.locator('#song-0-recipient').inputValue()).toBe('Hana');
  await context.close();
});
