import type { Page, Route } from 'playwright-core';
import { expect, inject, it } from 'vitest';
import { browserFixture } from '../helpers/fixtures.ts';
import { screenshot, showIntent } from '../helpers/pages.ts';

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
  // The samples are painted too, playable by the browser's own player.
  const samples = (await (await fetch(`${baseUrl}/api/config`)).json()) as {
    samples: { title: string }[];
  };
  expect(samples.samples.length).toBeGreaterThan(0);
  expect(await page.getByTestId('sample').locator('h4').allTextContents()).toEqual(
    samples.samples.map((s) => s.title),
  );
  expect(await page.locator('[data-testid="sample-player"][controls]').count()).toBe(
    samples.samples.length,
  );
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

/** Whether this page's origin has the app's database: the app opens it as soon as it runs. */
const hasDatabase = (page: Page) =>
  page.evaluate(async () => (await indexedDB.databases()).some((d) => d.name === 'refrain'));

/** The app's own badge (the painted page's has no test id): the app runs. */
const appRuns = (page: Page) => page.getByTestId('sync-badge').waitFor({ timeout: 60_000 });

it('a first visit runs none of the app until the person shows intent', async () => {
  const context = await web.browser.newContext(PHONE_360);
  const page = await context.newPage();
  await page.goto(baseUrl);
  // Loaded, and the service worker (registered after load) is active: the page has settled.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  expect(await page.getByTestId('sync-badge').count()).toBe(0);
  expect(await hasDatabase(page)).toBe(false);
  await showIntent(page);
  await appRuns(page);
  expect(await hasDatabase(page)).toBe(true);
  await context.close();
});

it('a device with songs of its own starts the app at once on Home', async () => {
  // Without the service worker, the next visit gets the painted page from the server again.
  const context = await web.browser.newContext({ ...PHONE_360, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await showIntent(page);
  await appRuns(page);
  // The next visit, painted again, starts with no touch at all.
  await page.reload();
  await page.getByTestId('how-it-works').waitFor({ timeout: 30_000 });
  await appRuns(page);
  await context.close();
});

it('a tap on "New song" before the app has started opens the form all the same', async () => {
  const context = await web.browser.newContext(PHONE_360);
  const page = await context.newPage();
  // The app's code is held back until the tap has been answered by the page itself.
  const held: Route[] = [];
  await page.route(/\/assets\/main-.*\.js$/, (route) => void held.push(route));
  await page.goto(baseUrl);
  await page.getByTestId('new-song').click();
  await page.waitForURL(/\/new$/, { timeout: 30_000 });
  await page.unroute(/\/assets\/main-.*\.js$/);
  // The first page's request went with it; the form's page asks again.
  for (const route of held) await route.continue().catch(() => undefined);
  await page.waitForURL(/\/compose\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  const form = page.url();
  await page.locator('#song-0-recipient').waitFor({ timeout: 30_000 });
  // /new is not in the history: Back leaves, a reload keeps the same draft.
  await page.reload();
  await page.locator('#song-0-recipient').waitFor({ timeout: 30_000 });
  expect(page.url()).toBe(form);
  await context.close();
});

it('when the app starts it adopts the painted page: the same elements, focus kept, nothing moved', async () => {
  const context = await web.browser.newContext(PHONE_360);
  await context.addInitScript(() => {
    const w = window as unknown as { shifts: number };
    w.shifts = 0;
    new PerformanceObserver((list) => {
      // As CLS counts them: what moves right after a tap or a key (the skip link appearing) is
      // the person's doing.
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number;
        hadRecentInput: boolean;
      })[])
        if (!entry.hadRecentInput) w.shifts += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const page = await context.newPage();
  const differed: string[] = [];
  page.on('console', (m) => m.text().includes('painted page differed') && differed.push(m.text()));
  await page.goto(baseUrl);
  await page.getByTestId('sample').first().waitFor({ timeout: 30_000 });
  // Marks on the painted elements, which only the same elements can still carry afterwards.
  await page.evaluate(() => {
    for (const el of document.querySelectorAll('h2, [data-testid="new-song"], audio'))
      (el as unknown as { painted: boolean }).painted = true;
  });
  // A keyboard's first Tab is the sign of intent: the skip link takes focus and keeps it.
  await page.keyboard.press('Tab');
  await page
    .getByTestId('sync-badge')
    .getByText('Online · all synced')
    .waitFor({ timeout: 60_000 });
  const after = await page.evaluate(() => ({
    painted: [...document.querySelectorAll('h2, [data-testid="new-song"], audio')].map(
      (el) => (el as unknown as { painted?: boolean }).painted === true,
    ),
    focused: document.activeElement?.textContent,
  }));
  expect(after.painted.length).toBeGreaterThan(2);
  expect(after.painted.every(Boolean)).toBe(true);
  expect(after.focused).toBe('Skip to content');
  expect(differed).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBe(0);
  // And it is the app now: "New song" opens the form in the page.
  await page.getByTestId('new-song').click();
  await page.waitForURL(/\/compose\//, { timeout: 30_000 });
  await context.close();
});
