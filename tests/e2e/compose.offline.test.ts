import { expect, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { acceptedCalls } from '../helpers/generation.ts';
import { fillSong, openApp, PHONE, screenshot, waitOutboxEmpty } from '../helpers/pages.ts';

const fx = musicGptFixture();
const web = browserFixture();
const { sql } = fx;

const SONGS = [
  {
    recipient: 'Ana',
    relationship: 'wife',
    occasion: 'anniversary',
    story: 'We met at a bus stop in Lisbon in 2009.',
    genre: 'acoustic pop',
    mood: 'romantic',
  },
  {
    recipient: 'Ben',
    relationship: 'brother',
    occasion: 'birthday',
    story: 'He taught me to ride a bike on our street in Porto.',
    genre: 'rock',
    mood: 'playful',
  },
];

it('offline compose and submit, page closed; back online the ops replay, 6 slots generate once, players play', async () => {
  const context = await web.browser.newContext(PHONE);
  let page = await openApp(context, fx.server.baseUrl);
  await screenshot(page, 'home');

  await context.setOffline(true);
  await page.getByTestId('new-song').click();
  await page.locator('#songCount').selectOption('2');
  await fillSong(page, 0, SONGS[0]!);
  await fillSong(page, 1, SONGS[1]!);
  await screenshot(page, 'compose');
  const formId = page.url().split('/').pop()!;
  await page.getByTestId('submit').click();
  await page.waitForURL(`**/forms/${formId}`);
  await expect
    .poll(() => page.getByTestId('sync-badge').textContent())
    .toMatch(/Offline · \d+ changes? waiting/);
  await screenshot(page, 'offline-waiting');
  // Nothing reached the server while offline.
  expect(await sql`select 1 from forms where id = ${formId}`).toHaveLength(0);
  await page.close();

  await context.setOffline(false);
  page = await openApp(context, fx.server.baseUrl, `/forms/${formId}`);
  await waitOutboxEmpty(page);
  await page
    .locator('[data-testid="variation"][data-status="ready"]')
    .nth(5)
    .waitFor({ timeout: 60_000 });
  expect(await page.locator('[data-testid="variation"]').count()).toBe(6);
  await screenshot(page, 'variations');

  const ledger = await acceptedCalls(sql, formId);
  expect(ledger).toHaveLength(6);
  expect(ledger.every((c) => c.n === 1)).toBe(true);
  expect(fx.musicgpt.accepted).toBe(6);

  const played = await page
    .locator('[data-testid="player"]')
    .first()
    .evaluate(async (audio: HTMLAudioElement) => {
      audio.muted = true;
      await audio.play();
      await new Promise((resolve) => audio.addEventListener('timeupdate', resolve, { once: true }));
      return { duration: audio.duration, time: audio.currentTime };
    });
  expect(played.duration).toBeGreaterThan(1);
  expect(played.time).toBeGreaterThan(0);

  // What was played stays playable offline, seeking included (Range from the cached copy).
  const src = await page.locator('[data-testid="player"]').first().getAttribute('src');
  await context.setOffline(true);
  const offline = await page.evaluate(async (url) => {
    const res = await fetch(url!, { headers: { range: 'bytes=100-199' } });
    return {
      status: res.status,
      bytes: (await res.arrayBuffer()).byteLength,
      range: res.headers.get('content-range'),
    };
  }, src);
  expect(offline).toMatchObject({ status: 206, bytes: 100 });
  expect(offline.range).toMatch(/^bytes 100-199\/\d+$/);
  await context.setOffline(false);
  await context.close();
});
