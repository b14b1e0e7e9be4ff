import { expect, inject, it } from 'vitest';
import { browserFixture } from '../helpers/fixtures.ts';
import { openApp, PHONE, screenshot } from '../helpers/pages.ts';

const { baseUrl } = inject('stack');
const web = browserFixture();

// The narrowest phone the app is made for.
const NARROW = { ...PHONE, viewport: { width: 360, height: 780 } };

const focusedId = (page: import('playwright-core').Page) =>
  page.evaluate(() => document.activeElement?.id ?? '');

it('says the price up front; marks required fields, names each problem at its field, moves focus to the first, and forgets each as it is fixed', async () => {
  const context = await web.browser.newContext(NARROW);
  const page = await openApp(context, baseUrl);
  // The price is said before anything is asked, and follows the number of songs in the form.
  await page.getByTestId('price-line').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('price-line').textContent()).toMatch(
    /^One song \$29\.00, 5 songs \$99\.00\. You hear three versions/,
  );
  // A first visit says how it works, in three steps, and what is promised; the button to start
  // stays on the first screen of a 360 px phone.
  const how = page.getByTestId('how-it-works');
  expect(await how.locator('li').count()).toBe(3);
  expect(await how.textContent()).toMatch(/saved on this phone as you type, even offline/);
  const start = await page.getByTestId('new-song').boundingBox();
  expect(start!.y + start!.height).toBeLessThanOrEqual(NARROW.viewport.height);
  await screenshot(page, 'home-price');
  await page.getByTestId('new-song').click();
  const recipient = page.locator('#song-0-recipient');
  await recipient.waitFor({ timeout: 30_000 });
  const price = page.getByTestId('form-price');
  expect(await price.textContent()).toMatch(/^1 song: \$29\.00, paid once/);
  await page.locator('#songCount').selectOption('2');
  await expect.poll(() => price.textContent()).toMatch(/^2 songs: \$49\.00, paid once/);
  await page.locator('#songCount').selectOption('1');

  // Required fields say so, to the eye and to a screen reader; optional ones do not.
  const label = (field: string) => page.locator(`label[for="song-0-${field}"]`).textContent();
  expect(await label('recipient')).toContain('(required)');
  expect(await label('story')).toContain('(required)');
  expect(await label('relationship')).not.toContain('(required)');
  expect(await recipient.getAttribute('aria-required')).toBe('true');

  // Nothing typed yet: submitting lists every problem in words and puts the cursor on the first.
  await page.getByTestId('submit').click();
  const summary = page.getByTestId('form-errors');
  await summary.waitFor({ timeout: 10_000 });
  expect(await summary.getAttribute('role')).toBe('alert');
  expect(await summary.locator('li').allTextContents()).toEqual([
    'Song 1: who the song is for is missing',
    'Song 1: the occasion is missing',
    'Song 1: the story is missing',
  ]);
  await expect.poll(() => focusedId(page)).toBe('song-0-recipient');
  expect(await recipient.getAttribute('aria-invalid')).toBe('true');
  const describedBy = (await recipient.getAttribute('aria-describedby')) ?? '';
  expect(await page.locator(`#${describedBy}`).textContent()).toBe(
    'who the song is for is missing',
  );
  expect(page.url()).toContain('/compose/');
  await screenshot(page, 'compose-errors');

  // Each fix takes its problem off the list at once, without moving the cursor.
  await recipient.fill('Siobhan');
  await expect.poll(() => summary.locator('li').count()).toBe(2);
  expect(await recipient.getAttribute('aria-invalid')).toBeNull();
  expect(await focusedId(page)).toBe('song-0-recipient');
  // A link in the list takes the person to the field.
  await summary.getByRole('link', { name: /the occasion is missing/ }).click();
  await expect.poll(() => page.url()).toContain('#song-0-occasion');

  // Near a limit the field counts; past it the problem says by how much, not in validator words.
  await page.locator('#song-0-occasion').fill('x'.repeat(100));
  await page.locator('#song-0-occasion-count').waitFor({ timeout: 10_000 });
  expect(await page.locator('#song-0-occasion-count').textContent()).toBe('100 of 120 characters');
  await page.locator('#song-0-occasion').fill('x'.repeat(130));
  await expect
    .poll(() => summary.locator('li').allTextContents())
    .toEqual([
      'Song 1: the occasion is longer than 120 characters; shorten it',
      'Song 1: the story is missing',
    ]);

  // Nothing in the form is wider than the phone.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);

  await page.locator('#song-0-occasion').fill('her birthday');
  await page.locator('#song-0-story').fill('We grew up in Galway and she sang every morning.');
  await expect.poll(() => summary.count()).toBe(0);
  await page.getByTestId('submit').click();
  await page.waitForURL(/\/forms\//, { timeout: 30_000 });
  await context.close();
});
