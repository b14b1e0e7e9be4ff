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
  // The other device's copy comes through live sync, which a loaded machine can hold up for a
  // while: the deadlines here are generous, the checks exact.
  await laptop.locator(`[data-form-id="${formId}"]`).waitFor({ timeout: 60_000 });
  const owners = await Promise.all([phone, laptop].map(async (p) => (await sessionOf(p)).ownerId));
  expect(owners[0]).toBe(owners[1]);

  // A live edit on the phone shows on the laptop's open compose screen.
  await laptop.goto(`${fx.server.baseUrl}/compose/${formId}`);
  await expect
    .poll(() => laptop.locator('#song-0-story').inputValue(), { timeout: 60_000 })
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
  // Neither is still typing there (a field being typed would be offered instead; see below).
  await phone.locator('#song-0-mood').blur();
  await laptop.locator('#song-0-mood').blur();
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

it('a field changed on the other device while it is typed here is offered, not written over: keep mine or use theirs', async () => {
  const phoneCtx = await web.browser.newContext(PHONE);
  const laptopCtx = await web.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const phone = await openApp(phoneCtx, fx.server.baseUrl);
  await phone.getByTestId('new-song').click();
  await fillSong(phone, 0, { recipient: 'Noor', occasion: 'birthday', story: 'Start.' });
  const formId = phone.url().split('/').pop()!;
  await waitOutboxEmpty(phone);
  await phone.goto(`${fx.server.baseUrl}/devices`);
  await phone.getByTestId('make-link').click();
  const link = new URL((await phone.getByTestId('resume-link').locator('a').getAttribute('href'))!);
  const laptop = await openApp(laptopCtx, fx.server.baseUrl, link.pathname + link.hash);
  await laptop.waitForURL(`${fx.server.baseUrl}/`);
  await laptop.goto(`${fx.server.baseUrl}/compose/${formId}`);
  await phone.goto(`${fx.server.baseUrl}/compose/${formId}`);
  await expect
    .poll(() => laptop.locator('#song-0-story').inputValue(), { timeout: 20_000 })
    .toBe('Start.');

  // The phone types offline (a tunnel); meanwhile the laptop rewrites the same story.
  await phoneCtx.setOffline(true);
  await phone.locator('#song-0-story').fill('We met on the night bus to Galway.');
  await laptop.locator('#song-0-story').fill('We met at the Galway races.');
  await laptop.locator('#song-0-story').blur();
  await waitOutboxEmpty(laptop);
  await phoneCtx.setOffline(false);
  const notice = phone.getByTestId('conflict-song-0-story');
  await notice.waitFor({ timeout: 30_000 });
  expect(await notice.textContent()).toContain('We met at the Galway races.');
  // What was typed here is still in the field, and nothing was lost on the server either.
  expect(await phone.locator('#song-0-story').inputValue()).toBe(
    'We met on the night bus to Galway.',
  );
  expect(
    await phone.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ),
  ).toBe(0);
  await notice.scrollIntoViewIfNeeded();
  await screenshot(phone, 'compose-conflict');

  // Keep mine: the phone's words become the newest everywhere, the laptop's are in the history.
  await notice.getByRole('button', { name: 'Keep mine' }).click();
  await notice.waitFor({ state: 'detached' });
  await expect
    .poll(() => laptop.locator('#song-0-story').inputValue(), { timeout: 20_000 })
    .toBe('We met on the night bus to Galway.');
  const lost = await sql`
    select value from draft_history where form_id = ${formId} and field = 'songs.0.story'`;
  expect(lost.map((r) => r.value)).toContain('We met at the Galway races.');

  // Use theirs, the other way round.
  await phoneCtx.setOffline(true);
  await phone.locator('#song-0-story').fill('A bus, a storm, a borrowed umbrella.');
  await laptop.locator('#song-0-story').fill('A storm and one umbrella for two.');
  await laptop.locator('#song-0-story').blur();
  await waitOutboxEmpty(laptop);
  await phoneCtx.setOffline(false);
  await notice.waitFor({ timeout: 30_000 });
  await notice.getByRole('button', { name: 'Use theirs' }).click();
  await notice.waitFor({ state: 'detached' });
  expect(await phone.locator('#song-0-story').inputValue()).toBe(
    'A storm and one umbrella for two.',
  );
  await waitOutboxEmpty(phone);
  await expect
    .poll(
      async () =>
        (await sql`select draft->'songs'->0->>'story' as story from forms where id = ${formId}`)[0]!
          .story,
    )
    .toBe('A storm and one umbrella for two.');
  await phoneCtx.close();
  await laptopCtx.close();
});
