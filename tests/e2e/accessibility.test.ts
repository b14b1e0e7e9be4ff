import { expect, inject, it } from 'vitest';
import { browserFixture } from '../helpers/fixtures.ts';
import { overflow, violations } from '../helpers/axe.ts';
import { fillSong, openApp, PHONE } from '../helpers/pages.ts';

// axe-core over every screen a person passes through, as a phone shows them, including the form
// with its problems listed and the results while they are being made. Any violation of WCAG 2.1
// A or AA that axe can see fails the run, named with the elements it found.

const { baseUrl } = inject('stack');
const web = browserFixture();

it('every screen passes axe (WCAG 2.1 A and AA) on a phone, and fits 360 px', async () => {
  // The narrowest phones in common use: every screen must fit without sideways scrolling.
  const context = await web.browser.newContext({ ...PHONE, viewport: { width: 360, height: 780 } });
  const page = await openApp(context, baseUrl);
  const seen: Record<string, string[]> = {};
  const wider: Record<string, number> = {};
  const check = async (screen: string) => {
    seen[screen] = await violations(page);
    wider[screen] = await overflow(page);
  };
  await page.getByTestId('price-line').waitFor({ timeout: 30_000 });
  // Home as a first visit shows it: how it works, and the samples to hear.
  await page.getByTestId('samples').waitFor({ timeout: 30_000 });
  await check('home');

  await page.getByTestId('new-song').click();
  await page.locator('#song-0-recipient').waitFor();
  await check('compose');
  await page.getByTestId('submit').click();
  await page.getByTestId('form-errors').waitFor();
  await check('compose with problems');

  await fillSong(page, 0, {
    recipient: 'Rosa',
    relationship: 'my grandmother',
    occasion: 'her 80th birthday',
    story: 'She taught me to bake bread in her kitchen in Valencia.',
  });
  await expect.poll(() => page.getByTestId('form-errors').count()).toBe(0);
  await page.getByTestId('submit').click();
  await page.waitForURL(/\/forms\//);
  await page.locator('[data-testid="variation"]').first().waitFor({ timeout: 60_000 });
  await check('results');
  // Progress is announced politely: the count, each card's status with its name, and checkout.
  const cards = page.locator('[data-testid="variation"]');
  await expect
    .poll(() => cards.locator('.badge[role="status"]').count(), { timeout: 60_000 })
    .toBe(3);
  expect(await cards.first().locator('.badge[role="status"]').textContent()).toMatch(/^.+: .+$/);
  expect(await page.locator('[data-testid="form-progress"] [role="status"]').textContent()).toMatch(
    /of 3 ready/,
  );
  expect(await page.getByTestId('checkout-state').textContent()).toBe(
    'Choose a variation for 1 more song to check out.',
  );
  expect(await page.getByTestId('checkout-state').getAttribute('role')).toBe('status');

  await page.goto(`${baseUrl}/devices`);
  await page.getByTestId('make-link').click();
  await page.getByTestId('resume-link').waitFor({ timeout: 30_000 });
  await check('devices');

  await page.goto(`${baseUrl}/library`);
  await page.getByTestId('library-empty').waitFor({ timeout: 60_000 });
  await page.getByTestId('library-storage').waitFor();
  await check('library');

  await page.goto(`${baseUrl}/no-such-page`);
  await page.getByRole('heading').first().waitFor();
  await check('missing');

  expect(wider).toEqual({
    home: 0,
    compose: 0,
    'compose with problems': 0,
    results: 0,
    devices: 0,
    library: 0,
    missing: 0,
  });
  expect(seen).toEqual({
    home: [],
    compose: [],
    'compose with problems': [],
    results: [],
    devices: [],
    library: [],
    missing: [],
  });
  await context.close();
});

/** Contrast ratio of two CSS rgb() colours, as WCAG defines it. */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number) as number[];
    const c = [r!, g!, bl!].map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
  };
  const [x, y] = [lum(a), lum(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

it('by hand: the text size the person chose applies, screens have titles and take focus, targets are 44 px, edges and placeholders contrast, motion calms', async () => {
  const context = await web.browser.newContext({ ...PHONE, reducedMotion: 'reduce' });
  const page = await openApp(context, baseUrl);
  await page.getByTestId('price-line').waitFor({ timeout: 30_000 });
  expect(await page.title()).toBe('My songs · Refrain');

  // A person who set a larger text size in their browser gets it: the root size is relative.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 24, fixed: 20 } });
  await expect
    .poll(() => page.evaluate(() => getComputedStyle(document.documentElement).fontSize))
    .toBe('24px');
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16, fixed: 13 } });

  // Touch targets in the header and on Home.
  const heights = async (selector: string) =>
    page.locator(selector).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
  await page.getByTestId('samples').waitFor({ timeout: 30_000 });
  for (const selector of [
    'nav[aria-label="Main"] a',
    '[data-testid="new-song"]',
    '[data-testid="sample-player"]',
  ])
    for (const h of await heights(selector)) expect(h, selector).toBeGreaterThanOrEqual(44);

  // Moving to another screen names it and puts focus on its heading.
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Devices' }).click();
  await expect.poll(() => page.title()).toBe('Your devices · Refrain');
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.textContent))
    .toBe('Continue on another device');
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'My songs' }).click();
  await page.getByTestId('new-song').click();
  await expect.poll(() => page.title()).toBe('Describe the song · Refrain');
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H2');

  // Input edges at least 3:1 against the panel behind them; placeholders at least 4.5:1.
  const colours = await page.locator('#song-0-recipient').evaluate((el) => {
    const panel = el.closest('fieldset') as HTMLElement;
    return {
      edge: getComputedStyle(el).borderTopColor,
      inside: getComputedStyle(el).backgroundColor,
      panel: getComputedStyle(panel).backgroundColor,
      placeholder: getComputedStyle(el, '::placeholder').color,
    };
  });
  expect(contrast(colours.edge, colours.panel)).toBeGreaterThanOrEqual(3);
  expect(contrast(colours.edge, colours.inside)).toBeGreaterThanOrEqual(3);
  expect(contrast(colours.placeholder, colours.inside)).toBeGreaterThanOrEqual(4.5);

  // With reduced motion, a working bar stands still; the update prompt's button shows its focus.
  const styles = await page.evaluate(() => {
    const bar = document.createElement('progress');
    const prompt = document.createElement('div');
    prompt.className = 'update';
    const button = document.createElement('button');
    button.textContent = 'Reload';
    prompt.append(button);
    document.body.append(bar, prompt);
    return { bar: getComputedStyle(bar).appearance };
  });
  expect(styles.bar).toBe('none');
  await page.keyboard.press('Shift');
  await page.locator('.update button').focus();
  const ring = await page.locator('.update button').evaluate((el) => ({
    outline: getComputedStyle(el).outlineStyle,
    colour: getComputedStyle(el).outlineColor,
    behind: getComputedStyle(el.parentElement!).backgroundColor,
  }));
  expect(ring.outline).toBe('solid');
  expect(contrast(ring.colour, ring.behind)).toBeGreaterThanOrEqual(3);
  await context.close();
});
