import { expect, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { waitForSlots } from '../helpers/generation.ts';
import { fillSong, openApp, PHONE, screenshot } from '../helpers/pages.ts';
import { waitFor } from '../helpers/stack.ts';

// A pro model streams each take while composing it; the card plays that stream at once.
const fx = musicGptFixture({ MUSICGPT_MODEL: 'v7-pro' });
const web = browserFixture();

it('plays a take’s live stream before it is ready, through this server only, then the stored preview', async () => {
  fx.musicgpt.script.completes = false;
  fx.musicgpt.script.streamsWhileComposing = true;
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  const requested: string[] = [];
  page.on('request', (req) => requested.push(req.url()));
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, {
    recipient: 'Maeve',
    relationship: 'my grandmother',
    occasion: 'her 90th birthday',
    story: 'She still dances in the kitchen to the radio every Sunday morning.',
    genre: 'folk',
    mood: 'joyful',
  });
  const formId = page.url().split('/').pop()!;
  await page.getByTestId('submit').click();

  const live = page.getByTestId('live-player');
  await expect.poll(() => live.count(), { timeout: 120_000 }).toBe(3);
  const card = page.locator('[data-testid="variation"]').first();
  expect(await card.getAttribute('data-status')).toBe('generating');

  // Played as a person would: the browser's own HLS player, muted only for the headless run.
  const player = card.getByTestId('live-player');
  await player.evaluate((audio: HTMLAudioElement) => {
    audio.muted = true;
    return audio.play();
  });
  await expect
    .poll(() => player.evaluate((audio: HTMLAudioElement) => audio.currentTime), {
      timeout: 60_000,
    })
    .toBeGreaterThan(0.5);
  expect(await player.evaluate((audio: HTMLAudioElement) => audio.error)).toBeNull();
  expect(await card.getAttribute('data-status')).toBe('generating');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'variations-live');

  // The segments came from the studio through this server; the page never went there itself.
  const tasks = [...fx.musicgpt.tasks.values()];
  expect(
    tasks.some(
      (t) => (fx.musicgpt.fileRequests.get(`streams/${t.conversionIds[0]}/s0.ts`) ?? 0) > 0,
    ),
  ).toBe(true);
  expect(requested.filter((url) => url.startsWith(fx.musicgpt.origin))).toEqual([]);
  expect(requested.some((url) => url.includes('/api/streams/'))).toBe(true);

  // A browser without its own HLS player (Firefox on desktop) is told the take comes when ready.
  await page.addInitScript(() => {
    HTMLMediaElement.prototype.canPlayType = () => '';
  });
  await page.reload();
  await expect
    .poll(() => page.getByTestId('live-unsupported').count(), { timeout: 60_000 })
    .toBe(3);
  expect(await live.count()).toBe(0);

  for (const task of tasks) fx.musicgpt.complete(task.taskId);
  await waitForSlots(fx.sql, formId, 3, 'ready', 120_000);
  await waitFor(
    async () => (await page.getByTestId('player').count()) === 3,
    60_000,
    () => 'the stored previews did not replace the live streams',
  );
  expect(await live.count()).toBe(0);
  await context.close();
});
