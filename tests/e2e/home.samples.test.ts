import type { ElementHandle, Locator, Page } from 'playwright-core';
import { expect, inject, it } from 'vitest';
import { browserFixture } from '../helpers/fixtures.ts';
import { openApp, PHONE, screenshot } from '../helpers/pages.ts';

// Home's "Hear a sample" on the narrowest common phone, against the shared stack (the built-in
// engine, which renders each sample on its first play): nothing is downloaded before play is
// tapped, a tap plays, one sample plays at a time, and a sample that cannot load says why.

const { baseUrl } = inject('stack');
const web = browserFixture();

// A sample's first play waits for the engine to render it, behind other tests' renders on a
// loaded machine: minutes, not seconds.
const RENDER_MS = 400_000;

/** Taps the play button of a native player (the left end of its control bar), as a thumb does. */
async function tapPlay(player: Locator) {
  const box = (await player.boundingBox())!;
  await player.tap({ position: { x: 22, y: box.height / 2 } });
}

const isPaused = (player: Locator) => player.evaluate((a: HTMLAudioElement) => a.paused);
const audioOf = async (player: Locator) =>
  (await player.elementHandle()) as ElementHandle<HTMLAudioElement>;

/** Waits until the player has played past `seconds`: the audio really arrived and plays. */
async function playing(page: Page, player: Locator, seconds = 0.5) {
  await page.waitForFunction(
    ([audio, s]) => audio.currentTime > s,
    [await audioOf(player), seconds] as const,
    {
      timeout: RENDER_MS,
      polling: 100,
    },
  );
}

it('shows the samples on a 360 px phone, fetches no audio before play, and plays one at a time', async () => {
  const context = await web.browser.newContext({ ...PHONE, viewport: { width: 360, height: 780 } });
  // Every request for sample audio, from the page or its service worker.
  const audioRequests: string[] = [];
  context.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/api/samples/')) audioRequests.push(req.url());
  });
  const page = await openApp(context, baseUrl);
  const cards = page.getByTestId('sample');
  await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(3);

  // Each card: its title, who it was for, how it sounds, a couple of its lines, and a player.
  const first = cards.nth(0);
  expect(await first.locator('h4').textContent()).toBeTruthy();
  expect(await first.locator('.card__meta span').allTextContents()).toEqual([
    'For a grandmother’s 80th birthday',
    'Warm & tender · acoustic folk · 0:30',
  ]);
  expect(await first.locator('.sample__lyrics span').count()).toBe(2);
  const players = page.getByTestId('sample-player');
  expect(await players.evaluateAll((els) => els.map((e) => e.getAttribute('preload')))).toEqual([
    'none',
    'none',
    'none',
  ]);
  for (const name of await players.evaluateAll((els) =>
    els.map((e) => e.getAttribute('aria-label')),
  )) {
    expect(name).toMatch(/^Play the sample “.+”$/);
  }
  for (const h of await players.evaluateAll((els) =>
    els.map((e) => e.getBoundingClientRect().height),
  )) {
    expect(h).toBeGreaterThanOrEqual(44);
  }
  expect(
    await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ),
  ).toBe(0);
  // No player has anything (a preload="metadata" one would have its length by now), and not one
  // byte of sample audio was asked for.
  expect(
    await players.evaluateAll((els) => els.map((e) => (e as HTMLAudioElement).readyState)),
  ).toEqual([0, 0, 0]);
  expect(audioRequests).toEqual([]);

  const [one, two] = [players.nth(0), players.nth(1)];
  await tapPlay(one);
  await playing(page, one);
  expect(audioRequests.length).toBeGreaterThan(0);
  const firstSrc = await one.getAttribute('src');
  expect(audioRequests.every((url) => url.endsWith(firstSrc!))).toBe(true);

  // The picture shows the first sample a couple of seconds in.
  await playing(page, one, 2);
  await page.locator('#samples-title').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'home-samples');

  // Starting the second pauses the first: one sample at a time.
  await tapPlay(two);
  await page.waitForFunction((audio) => audio.paused, await audioOf(one), { timeout: 30_000 });
  await playing(page, two);
  expect(await isPaused(one)).toBe(true);
  expect(await isPaused(two)).toBe(false);
  await context.close();
}, 900_000);

it('says in words that a sample cannot play while offline', async () => {
  const context = await web.browser.newContext({ ...PHONE, viewport: { width: 360, height: 780 } });
  const page = await openApp(context, baseUrl);
  const card = page.getByTestId('sample').nth(2);
  await card.waitFor({ timeout: 30_000 });
  await context.setOffline(true);
  await tapPlay(card.getByTestId('sample-player'));
  const status = card.getByRole('status');
  await status.getByText('This sample cannot play now').waitFor({ timeout: 30_000 });
  expect(await status.locator('p').textContent()).toBe(
    'This sample cannot play now: you are offline; it plays once you are back online.',
  );
  const retry = status.getByRole('button', { name: 'Try again' });
  expect((await retry.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  expect(
    await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ),
  ).toBe(0);
  await context.close();
});
