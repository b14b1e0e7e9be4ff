import { expect, inject, it } from 'vitest';
import { browserFixture } from '../helpers/fixtures.ts';
import { screenshot } from '../helpers/pages.ts';

const { baseUrl } = inject('stack');
const web = browserFixture();

const PHONE_360 = { viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true };

it('a first visit reads Home, styled and priced, before any of its JavaScript has run', async () => {
  const context = await web.browser.newContext(PHONE_360);
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective}`),
    ),
  );
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (m) => m.text().startsWith('CSP violation') && violations.push(m.text()));
  // A network too slow to bring the app's scripts: none of them arrives.
  const blocked: string[] = [];
  await page.route(/\/assets\/.*\.js$/, (route) => {
    blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(baseUrl);
  await page.getByTestId('how-it-works').waitFor({ timeout: 30_000 });
  expect(blocked.length).toBeGreaterThan(0);
  const config = (await (await fetch(`${baseUrl}/api/config`)).json()) as {
    pricing: { shown: string[] };
  };
  await expect
    .poll(() => page.getByTestId('price-line').textContent())
    .toContain(`One song ${config.pricing.shown[0]}`);
  expect(await page.getByRole('heading', { name: 'My songs' }).isVisible()).toBe(true);
  expect(await page.getByTestId('empty-state').isVisible()).toBe(true);
  // Styled by the inlined stylesheet (allowed by hash): the accent button, no overflow at 360 px.
  const look = await page.evaluate(() => ({
    button: getComputedStyle(document.querySelector('[data-testid="new-song"]')!).backgroundColor,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  }));
  expect(look.button).toBe('rgb(255, 181, 71)');
  expect(look.overflow).toBeLessThanOrEqual(0);
  expect(violations).toEqual([]);
  await screenshot(page, 'home-first-paint');
  await context.close();
});

it('when the app starts it takes over the painted page without moving anything', async () => {
  const context = await web.browser.newContext(PHONE_360);
  await context.addInitScript(() => {
    const w = window as unknown as { shifts: number };
    w.shifts = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[])
        w.shifts += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const page = await context.newPage();
  await page.goto(baseUrl);
  // The app's own badge (the painted page's has no test id) says the songs have arrived.
  await page
    .getByTestId('sync-badge')
    .getByText('Online · all synced')
    .waitFor({ timeout: 30_000 });
  // Samples, which the painted page cannot know, appear below everything else.
  await page.getByRole('heading', { name: /Hear a sample/ }).waitFor({ timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBe(0);
  // And it is the app now: "New song" opens the form.
  await page.getByTestId('new-song').click();
  await page.waitForURL(/\/compose\//, { timeout: 30_000 });
  await context.close();
});
