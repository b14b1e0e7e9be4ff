import { expect, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import {
  fillSong,
  openApp,
  PHONE,
  screenshot,
  waitOutboxEmpty,
  sessionOf,
} from '../helpers/pages.ts';

const fx = musicGptFixture();
const web = browserFixture();
const { sql } = fx;

it('two devices of one owner through the resume link: edits show live; conflicting offline edits end by the rule, the loser restorable', async () => {
  const phoneCtx = await web.browser.newContext(PHONE);
  const laptopCtx = await web.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await phoneCtx.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: fx.server.baseUrl,
  });
  const phone = await openApp(phoneCtx, fx.server.baseUrl);
  await phone.getByTestId('new-song').click();
  await fillSong(phone, 0, {
    recipient: 'Eli',
    occasion: 'wedding',
    story: 'First draft of the story.',
  });
  const formId = phone.url().split('/').pop()!;
  await waitOutboxEmpty(phone);

  await phone.goto(`${fx.server.baseUrl}/devices`);
  await phone.getByTestId('make-link').click();
  const link = await phone.getByTestId('resume-link').locator('a').getAttribute('href');
  // Copying says it worked, and the clipboard holds the link.
  await phone.getByTestId('copy-link').click();
  await expect
    .poll(() => phone.getByTestId('copy-status').textContent())
    .toBe('Copied. Paste it on your other device.');
  expect(await phone.evaluate(() => navigator.clipboard.readText())).toBe(link);
  // The long link wraps: nothing on the page is wider than the phone.
  expect(
    await phone.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ),
  ).toBe(0);
  expect(link).toMatch(/\/resume#/);
  await screenshot(phone, 'devices');

  const laptop = await openApp(
    laptopCtx,
    fx.server.baseUrl,
    new URL(link!).pathname + new URL(link!).hash,
  );
  await laptop.waitForURL(`${fx.server.baseUrl}/`);
  await laptop.locator(`[data-form-id="${formId}"]`).waitFor({ timeout: 20_000 });
  const owners = await Promise.all([phone, laptop].map(async (p) => (await sessionOf(p)).ownerId));
  expect(owners[0]).toBe(owners[1]);

  // A live edit on the phone shows on the laptop's open compose screen.
  await laptop.goto(`${fx.server.baseUrl}/compose/${formId}`);
  await expect
    .poll(() => laptop.locator('#song-0-story').inputValue(), { timeout: 20_000 })
    .toBe('First draft of the story.');
  await phone.goto(`${fx.server.baseUrl}/compose/${formId}`);
  await phone.locator('#song-0-story').fill('We married under the old oak tree.');
  await expect
    .poll(
      async () =>
        (await sql`select draft->'songs'->0->>'story' as story from forms where id = ${formId}`)[0]!
          .story,
      { timeout: 20_000 },
    )
    .toBe('We married under the old oak tree.');
  await expect
    .poll(() => laptop.locator('#song-0-story').inputValue(), { timeout: 20_000 })
    .toBe('We married under the old oak tree.');

  // Both go offline and edit the same field; the laptop edits last, so it wins on reconnect.
  await phoneCtx.setOffline(true);
  await laptopCtx.setOffline(true);
  await phone.locator('#song-0-mood').fill('tender');
  await laptop.locator('#song-0-mood').fill('joyful');
  await phoneCtx.setOffline(false);
  await waitOutboxEmpty(phone);
  await laptopCtx.setOffline(false);
  await waitOutboxEmpty(laptop);
  await expect
    .poll(
      async () =>
        (await sql`select draft->'songs'->0->>'mood' as mood from forms where id = ${formId}`)[0]!
          .mood,
    )
    .toBe('joyful');
  await expect
    .poll(() => phone.locator('#song-0-mood').inputValue(), { timeout: 20_000 })
    .toBe('joyful');

  // The phone's losing value is in the history and can be put back.
  const history = phone.getByTestId('draft-history');
  await history.locator('summary').click();
  const tender = history.locator('li', { hasText: 'tender' });
  await tender.getByRole('button', { name: 'Restore' }).click();
  await expect
    .poll(() => laptop.locator('#song-0-mood').inputValue(), { timeout: 20_000 })
    .toBe('tender');
  await expect
    .poll(() => phone.locator('#song-0-mood').inputValue(), { timeout: 20_000 })
    .toBe('tender');
  await screenshot(phone, 'compose-history');
  await phoneCtx.close();
  await laptopCtx.close();
});
