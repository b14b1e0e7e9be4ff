import { expect, inject, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { openApp, PHONE, screenshot } from '../helpers/pages.ts';

// The shared stack makes songs with the built-in engine, which plays the tune on an instrument;
// the fixture's server makes them with MusicGPT, which sings.
const { baseUrl } = inject('stack');
const sung = musicGptFixture();
const web = browserFixture();

it('with the built-in engine the form says songs are instrumental and offers no voice, even offline', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, baseUrl);
  const answer = await page.evaluate(async () => (await fetch('/api/config')).json());
  expect(answer).toMatchObject({ provider: 'local', sings: false });

  await page.getByTestId('new-song').click();
  const notice = page.getByTestId('instrumental-notice');
  await notice.waitFor({ timeout: 30_000 });
  expect(await notice.textContent()).toMatch(/instrumental: an instrument .* plays the tune/);
  expect(await page.locator('#song-0-vocals').count()).toBe(0);
  expect(await page.locator('#song-0-story').count()).toBe(1);
  await screenshot(page, 'compose-instrumental');

  // A phone that starts offline still knows, from the answer it kept.
  const formUrl = page.url();
  await context.setOffline(true);
  await page.goto(formUrl);
  await page.getByTestId('instrumental-notice').waitFor({ timeout: 30_000 });
  expect(await page.locator('#song-0-vocals').count()).toBe(0);
  await context.close();
});

it('with a provider that sings the form offers the voice and no instrumental notice', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, sung.server.baseUrl);
  await page.getByTestId('new-song').click();
  const vocals = page.locator('#song-0-vocals');
  await vocals.waitFor({ timeout: 30_000 });
  expect(await vocals.locator('option').allTextContents()).toEqual([
    'Female voice',
    'Male voice',
    'Instrumental',
  ]);
  expect(await page.getByTestId('instrumental-notice').count()).toBe(0);
  await context.close();
});
