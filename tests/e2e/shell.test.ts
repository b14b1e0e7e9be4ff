import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { sessionOf, showIntent } from '../helpers/pages.ts';

const { baseUrl } = inject('stack');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

it('the PWA shell renders, starts a guest session and syncs through Zero, with no CSP violation', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  // The pages' CSP forbids eval; a refused eval (zod compiling a validator) throws nothing, so
  // the page reports each violation where the test hears it.
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} in ${e.sourceFile}`),
    ),
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => m.text().startsWith('CSP violation') && errors.push(m.text()));
  await page.goto(baseUrl);
  await showIntent(page);
  await page.getByRole('heading', { name: 'Refrain', level: 1 }).waitFor({ timeout: 30_000 });
  await page.getByTestId('empty-state').getByText('Nothing here yet.').waitFor({ timeout: 30_000 });
  await page
    .getByTestId('sync-badge')
    .getByText('Online · all synced')
    .waitFor({ timeout: 30_000 });
  // The session lives in IndexedDB, beside the drafts and the outbox.
  const { ownerId } = await sessionOf(page);
  expect(ownerId).toMatch(/^[0-9a-f-]{36}$/);
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector('link[rel="manifest"]')?.getAttribute('href');
    return link ? (await fetch(link)).json() : null;
  });
  expect(manifest).toMatchObject({ short_name: 'Refrain', display: 'standalone' });
  expect(errors).toEqual([]);
  await context.close();
});

it('until the first copy of the songs has arrived from the server, the badge says so instead of "all synced"', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  // Zero's socket (the page's only one) is held open and silent: the page is online, but
  // nothing has arrived from the server yet.
  const held: unknown[] = [];
  await page.routeWebSocket(/.*/, (ws) => void held.push(ws));
  await page.goto(baseUrl);
  await showIntent(page);
  const badge = page.getByTestId('sync-badge');
  await badge.getByText('Online · loading your songs…').waitFor({ timeout: 30_000 });
  await expect.poll(() => held.length, { timeout: 30_000 }).toBeGreaterThan(0);
  expect(await badge.getAttribute('data-loading')).toBe('true');
  // Still loading once the page has settled: nothing says "all synced" on an empty list yet.
  await page.getByTestId('new-song').waitFor();
  expect(await badge.textContent()).toBe('Online · loading your songs…');
  await context.close();
});
