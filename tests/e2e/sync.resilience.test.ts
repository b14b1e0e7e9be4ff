import { expect, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { acceptedCalls, waitForSlots } from '../helpers/generation.ts';
import { fillSong, openApp, PHONE, waitOutboxEmpty } from '../helpers/pages.ts';

const fx = musicGptFixture();
const web = browserFixture();
const { sql } = fx;

const SONG = {
  recipient: 'Caro',
  relationship: 'friend',
  occasion: 'graduation',
  story: 'We studied all night in the library in 2019.',
  genre: 'pop',
  mood: 'joyful',
};

it('a page closed while its batch is in flight loses nothing and makes no second provider call', async () => {
  const context = await web.browser.newContext(PHONE);
  let page = await openApp(context, fx.server.baseUrl);
  await waitOutboxEmpty(page);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, SONG);
  await waitOutboxEmpty(page);
  const formId = page.url().split('/').pop()!;

  // Hold the submit's request until it is on its way, then close the page before the answer.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>(
    (reachedServer) =>
      void page.route('**/api/sync', async (route) => {
        reachedServer();
        await held;
        await route.continue().catch(() => undefined);
      }),
  );
  await page.getByTestId('submit').click();
  await reached;
  release();
  await page.close();

  page = await openApp(context, fx.server.baseUrl, `/forms/${formId}`);
  await waitOutboxEmpty(page);
  await waitForSlots(sql, formId, 3, 'ready', 60_000);
  const ledger = await acceptedCalls(sql, formId);
  expect(ledger.map((c) => c.n)).toEqual([1, 1, 1]);
  const [form] = await sql`select draft from forms where id = ${formId}`;
  expect(form!.draft.songs[0].story).toBe(SONG.story);
  await context.close();
});

it('refreshing the variations page 10 times while it loads makes no provider call at all', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, { ...SONG, recipient: 'Dev' });
  const formId = page.url().split('/').pop()!;
  await page.getByTestId('submit').click();
  await waitOutboxEmpty(page);
  await waitForSlots(sql, formId, 3, 'ready', 60_000);
  const before = fx.musicgpt.attempts;
  const ops =
    await sql`select count(*)::int as n from sync_ops where owner_id = (select owner_id from forms where id = ${formId})`;
  // Each navigation starts before the previous load finished.
  for (let i = 0; i < 10; i++)
    await page.goto(`${fx.server.baseUrl}/forms/${formId}`, { waitUntil: 'commit' });
  await page
    .locator('[data-testid="variation"][data-status="ready"]')
    .nth(2)
    .waitFor({ timeout: 30_000 });
  await waitOutboxEmpty(page);
  expect(fx.musicgpt.attempts).toBe(before);
  const after =
    await sql`select count(*)::int as n from sync_ops where owner_id = (select owner_id from forms where id = ${formId})`;
  expect(after[0]!.n).toBe(ops[0]!.n);
  expect((await acceptedCalls(sql, formId)).map((c) => c.n)).toEqual([1, 1, 1]);
  await context.close();
});
