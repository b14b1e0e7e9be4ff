import { expect, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { waitForSlots } from '../helpers/generation.ts';
import { fillSong, openApp, PHONE, screenshot } from '../helpers/pages.ts';
import { waitFor } from '../helpers/stack.ts';

// A MusicGPT key on the Free plan runs one task at a time.
const fx = musicGptFixture({ MUSICGPT_PLAN: 'free' });
const web = browserFixture();

it('on a one-task plan, the cards waiting for a place say so, live, and go on to ready', async () => {
  fx.musicgpt.script.completes = false;
  fx.musicgpt.script.parallelTaskLimit = 1;
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, {
    recipient: 'Siobhan',
    relationship: 'my sister',
    occasion: 'birthday',
    story: 'She taught me to swim in the cold sea at Bray.',
    genre: 'folk',
    mood: 'warm',
  });
  const formId = page.url().split('/').pop()!;
  await page.getByTestId('submit').click();

  const waiting = page.getByTestId('variation-waiting');
  await expect.poll(() => waiting.count(), { timeout: 120_000 }).toBe(2);
  // A card waiting for a place says so in its badge too. (A queued card that has just been given
  // a place and not yet been sent says "Waiting its turn": the badge of a card with the hint.)
  await expect(
    page
      .locator(
        '[data-testid="variation"]:has([data-testid="variation-waiting"]) [data-testid="variation-status"]',
      )
      .allTextContents(),
  ).resolves.toEqual(['Waiting for a place', 'Waiting for a place']);
  await page.locator('[data-testid="variation"]').nth(1).scrollIntoViewIfNeeded();
  await screenshot(page, 'variations-waiting');

  // Each finished task frees the one place for the next slot in line.
  for (let done = 0; done < 3; done++) {
    let running: string | undefined;
    await waitFor(
      () =>
        (running = [...fx.musicgpt.tasks.values()].find(
          (t) => t.state === 'in_progress',
        )?.taskId) !== undefined,
      120_000,
      () => `no task running after ${done} finished`,
    );
    fx.musicgpt.complete(running!);
  }
  await waitForSlots(fx.sql, formId, 3, 'ready', 120_000);
  await page
    .locator('[data-testid="variation"][data-status="ready"]')
    .nth(2)
    .waitFor({ timeout: 60_000 });
  expect(await waiting.count()).toBe(0);
  expect(fx.musicgpt.maxUnfinished).toBe(1);
  await context.close();
});
