import { expect, it } from 'vitest';
import { dayLabel, isoDay } from '../../client/ui/estimate.ts';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { waitForSlots } from '../helpers/generation.ts';
import { fillSong, openApp, PHONE, screenshot, waitOutboxEmpty } from '../helpers/pages.ts';

const fx = musicGptFixture();
const web = browserFixture();

const DAY = 86_400_000;

it('the results page counts down each variation and says the song will be ready well before its day', async () => {
  // The studio takes its time: every task stays unfinished, and its answer says 150 s.
  fx.musicgpt.script.completes = false;
  fx.musicgpt.script.eta = 150;
  const context = await web.browser.newContext({
    ...PHONE,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  const page = await openApp(context, fx.server.baseUrl);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, {
    recipient: 'Siobhan',
    relationship: 'my sister',
    occasion: 'her 40th birthday',
    story: 'She taught me to swim in the cold sea at Bray.',
    genre: 'folk',
    mood: 'warm',
  });
  const formId = page.url().split('/').pop()!;

  // A day already gone gets a gentle word, not a refusal.
  const date = page.locator('#song-0-occasionDate');
  expect(await page.getByText('When is the occasion?').count()).toBe(1);
  await date.fill(isoDay(new Date(Date.now() - 3 * DAY)));
  const note = page.getByTestId('occasion-date-note');
  await expect.poll(() => note.textContent()).toMatch(/already passed/);
  expect(await date.getAttribute('aria-invalid')).toBeNull();
  expect(await date.getAttribute('aria-describedby')).toBe('song-0-occasionDate-note');

  const occasion = isoDay(new Date(Date.now() + 10 * DAY));
  await date.fill(occasion);
  await expect.poll(() => note.textContent()).toMatch(/^Optional\./);
  await date.scrollIntoViewIfNeeded();
  await screenshot(page, 'compose-date');
  // Saved as typed, through the outbox, into the server's draft.
  await waitOutboxEmpty(page);
  const [form] = await fx.sql<{ draft: { songs: { occasionDate?: string }[] } }[]>`
    select draft from forms where id = ${formId}`;
  expect(form!.draft.songs[0]!.occasionDate).toBe(occasion);

  await page.getByTestId('submit').click();
  await waitForSlots(fx.sql, formId, 3, 'generating', 120_000);

  // Each card counts down from the studio's estimate; a timer, read on request, not announced.
  const etas = page.getByTestId('variation-eta');
  await expect.poll(() => etas.count(), { timeout: 60_000 }).toBe(3);
  for (const text of await etas.allTextContents()) {
    expect(text).toMatch(/^about [1-3] mins? left$/);
  }
  expect(await etas.first().getAttribute('role')).toBe('timer');

  // The song says, politely, whether it will be ready for its day, in the person's locale.
  const readiness = page.getByTestId('song-readiness');
  await expect
    .poll(() => readiness.textContent(), { timeout: 60_000 })
    .toBe(`Ready well before ${dayLabel(occasion, Date.now(), 'en-GB')}`);
  expect(await readiness.getAttribute('role')).toBe('status');
  expect(await readiness.getAttribute('data-tone')).toBe('ok');
  await readiness.scrollIntoViewIfNeeded();
  await screenshot(page, 'variations-estimate');

  // Fits a phone: nothing wider than the screen.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await context.close();
});
