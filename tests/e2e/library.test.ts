import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { overflow, violations } from '../helpers/axe.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { startApiServer } from '../helpers/api-server.ts';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm } from '../helpers/generation.ts';
import { openApp, PHONE, screenshot } from '../helpers/pages.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';

const fx = musicGptFixture();
const web = browserFixture();
const { sql } = fx;

const DAY_MS = 86_400_000;

// "A day later": a second API process on the same database, live sync and stored songs, whose
// download links are minted and checked a day ahead of the real clock (DOWNLOAD_CLOCK_OFFSET_MS,
// tests only). The second device opens the app there.
let later: RunningStack;
let laterDataDir: string;
beforeAll(async () => {
  laterDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-day-later-'));
  fs.symlinkSync(path.join(fx.server.dataDir, 'audio'), path.join(laterDataDir, 'audio'));
  later = await startApiServer({
    DATA_DIR: laterDataDir,
    DOWNLOAD_CLOCK_OFFSET_MS: String(DAY_MS),
  });
}, 240_000);
afterAll(async () => {
  await later?.stop();
  fs.rmSync(laterDataDir, { recursive: true, force: true });
});

/** Two songs chosen and paid through the demo checkout by a buyer on their first device. */
async function paidForm(guest: Guest): Promise<string> {
  const formId = await readyForm(sql, guest, 2);
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' });
  const { url } = (await res.json()) as { url: string };
  const paid = await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });
  expect(paid.status).toBe(303);
  await waitFor(
    async () => (await sql`select 1 from unlocks where form_id = ${formId}`).length === 2,
    30_000,
    () => `form ${formId} not unlocked`,
  );
  return formId;
}

const song = (page: Page, takeId: string) =>
  page.locator(`[data-testid="library-song"][data-take-id="${takeId}"]`);
const keptState = (page: Page, takeId: string, kept: 'yes' | 'no') =>
  page.locator(`[data-testid="library-song"][data-take-id="${takeId}"][data-kept="${kept}"]`);

/** Plays a song's player from `from` seconds, muted, and answers where it is a moment later. */
const playFrom = (page: Page, takeId: string, from = 0) =>
  song(page, takeId)
    .getByTestId('library-play')
    .evaluate((audio: HTMLAudioElement, at) => {
      audio.muted = true;
      audio.currentTime = at;
      return audio.play();
    }, from);
const positionOf = (page: Page, takeId: string) =>
  song(page, takeId)
    .getByTestId('library-play')
    .evaluate((audio: HTMLAudioElement) => audio.currentTime);
const storage = (page: Page, attribute: 'data-kept-bytes' | 'data-usage') =>
  page
    .getByTestId('library-storage')
    .getAttribute(attribute)
    .then((v) => Number(v ?? NaN));

it('a second device a day later lists the bought songs, plays them, downloads through a newly minted link, and keeps one with its cover to play offline', async () => {
  const buyer = await makeGuest(fx.server.baseUrl);
  const formId = await paidForm(buyer);
  const takes = await sql<
    { take_id: string; song_index: number; audio_file: string; cover_file: string }[]
  >`
    select u.take_id, u.song_index, t.audio_file, c.file as cover_file
    from unlocks u join takes t on t.id = u.take_id join slot_covers c on c.slot_id = t.slot_id
    where u.form_id = ${formId} order by u.song_index`;
  expect(takes).toHaveLength(2);

  // The link minted on the day of payment no longer works a day later; that server is a day on.
  const atPayment = (await (await buyer.fetch(`/api/forms/${formId}/downloads`)).json()) as {
    songs: { mp3Url: string }[];
  };
  expect((await fetch(`${fx.server.baseUrl}${atPayment.songs[0]!.mp3Url}`)).status).toBe(200);
  const stale = await fetch(`${later.baseUrl}${atPayment.songs[0]!.mp3Url}`);
  expect(stale.status).toBe(403);
  expect(((await stale.json()) as { error: string }).error).toMatch(/has expired/);

  // The second device joins through a resume link, and finds the library in the header.
  const resume = (await (await buyer.fetch('/api/resume-codes', { method: 'POST' })).json()) as {
    code: string;
  };
  // The narrowest phones in common use: the library must fit them with no sideways scrolling.
  const context = await web.browser.newContext({
    ...PHONE,
    viewport: { width: 360, height: 780 },
    acceptDownloads: true,
  });
  const page = await openApp(context, later.baseUrl, `/resume#${resume.code}`);
  await page.waitForURL(`${later.baseUrl}/`);
  // Home points to the library once the buyer's orders have come through live sync (which a
  // loaded machine can hold up: the deadlines here are generous).
  await expect
    .poll(() => page.getByTestId('library-link').textContent(), { timeout: 60_000 })
    .toMatch(/^Your 2 bought songs are in your library/);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Library' })
    .click();
  await page.getByRole('heading', { name: 'Library', level: 2 }).waitFor();
  for (const t of takes) await song(page, t.take_id).waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('library-song').count()).toBe(2);
  await expect.poll(() => song(page, takes[0]!.take_id).textContent()).toContain('For Ana');
  await expect.poll(() => song(page, takes[1]!.take_id).textContent()).toContain('For Ben');

  // Each shows the cover MusicGPT drew for it.
  const first = takes[0]!.take_id;
  const coverShown = (takeId: string) =>
    song(page, takeId)
      .locator('img.library-song__cover')
      .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
  await expect.poll(() => coverShown(first), { timeout: 60_000 }).toBe(true);

  // The whole song plays in the app.
  await expect
    .poll(() => song(page, first).getByTestId('library-play').getAttribute('src'), {
      timeout: 30_000,
    })
    .toMatch(new RegExp(`^/api/download/${first}\\.mp3\\?exp=`));
  await playFrom(page, first);
  await expect.poll(() => positionOf(page, first), { timeout: 30_000 }).toBeGreaterThan(0.5);
  const [take] = await sql<{ duration_sec: number }[]>`
    select duration_sec from takes where id = ${first}`;
  const duration = await song(page, first)
    .getByTestId('library-play')
    .evaluate((a: HTMLAudioElement) => (a.pause(), a.duration));
  // The whole take, not the 30-second preview.
  expect(duration).toBeGreaterThan(take!.duration_sec - 0.5);

  // A link that went stale while the screen stayed open is replaced, and the song plays on.
  const stalePath = atPayment.songs[0]!.mp3Url;
  await song(page, first)
    .getByTestId('library-play')
    .evaluate((audio: HTMLAudioElement, stale) => {
      audio.src = stale;
      audio.muted = true;
      void audio.play().catch(() => undefined);
    }, stalePath);
  await expect
    .poll(() => song(page, first).getByTestId('library-play').getAttribute('src'), {
      timeout: 30_000,
    })
    .not.toBe(stalePath);
  await expect.poll(() => positionOf(page, first), { timeout: 30_000 }).toBeGreaterThan(0.5);
  await song(page, first)
    .getByTestId('library-play')
    .evaluate((a: HTMLAudioElement) => a.pause());

  // Download: a link minted at the tap, a day after payment, and the whole file arrives.
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    song(page, first).getByTestId('library-download').click(),
  ]);
  const minted = new URL(download.url());
  expect(minted.pathname).toBe(`/api/download/${first}.mp3`);
  expect(Number(minted.searchParams.get('exp'))).toBeGreaterThan(Date.now() + DAY_MS);
  const saved = await download.path();
  const stored = fs.readFileSync(path.join(fx.server.dataDir, 'audio', takes[0]!.audio_file));
  expect(fs.readFileSync(saved!).equals(stored)).toBe(true);

  // Keep it on this device: the size kept is shown, and what Refrain uses grows.
  await expect.poll(() => storage(page, 'data-usage')).toBeGreaterThan(0);
  const usageBefore = await storage(page, 'data-usage');
  await song(page, first).getByTestId('library-keep').click();
  await keptState(page, first, 'yes').waitFor({ timeout: 30_000 });
  const coverBytes = fs.statSync(path.join(fx.server.dataDir, 'audio', takes[0]!.cover_file)).size;
  await expect.poll(() => storage(page, 'data-kept-bytes')).toBe(stored.length + coverBytes);
  await expect.poll(() => storage(page, 'data-usage')).toBeGreaterThan(usageBefore);
  expect(await song(page, first).getByTestId('library-kept-size').textContent()).toMatch(
    /on this device, \d+(\.\d)? (kB|MB)$/,
  );
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'library');
  expect(await violations(page)).toEqual([]);
  expect(await overflow(page)).toBe(0);
  const heights = await page
    .locator('[data-testid="library-song"] button, [data-testid="library-storage"] button')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
  expect(heights.length).toBeGreaterThan(6);
  for (const h of heights) expect(h).toBeGreaterThanOrEqual(44);
  await page.getByTestId('library-storage').scrollIntoViewIfNeeded();
  await screenshot(page, 'library-storage');

  // No network at all: the page reloads, the kept song plays from this device, seeking included
  // (byte ranges cut from the kept copy); the one not kept says when it will play.
  await context.setOffline(true);
  await page.reload();
  await keptState(page, first, 'yes').waitFor({ timeout: 60_000 });
  expect(await song(page, first).getByTestId('library-play').getAttribute('src')).toBe(
    `/kept/${first}.mp3`,
  );
  expect(await song(page, first).locator('img.library-song__cover').getAttribute('src')).toBe(
    `/kept/${first}.cover`,
  );
  await expect.poll(() => coverShown(first)).toBe(true);
  await playFrom(page, first);
  await expect.poll(() => positionOf(page, first), { timeout: 30_000 }).toBeGreaterThan(0.5);
  await playFrom(page, first, 1.5);
  await expect.poll(() => positionOf(page, first), { timeout: 30_000 }).toBeGreaterThan(1.8);
  await song(page, first)
    .getByTestId('library-play')
    .evaluate((a: HTMLAudioElement) => a.pause());
  await song(page, takes[1]!.take_id).getByTestId('library-offline').waitFor({ timeout: 60_000 });

  // Remove it: the storage shown drops back.
  await context.setOffline(false);
  const usageKept = await storage(page, 'data-usage');
  await song(page, first).getByTestId('library-remove').click();
  await keptState(page, first, 'no').waitFor();
  await expect.poll(() => storage(page, 'data-kept-bytes')).toBe(0);
  await expect.poll(() => storage(page, 'data-usage')).toBeLessThan(usageKept);
  await context.close();
}, 300_000);
