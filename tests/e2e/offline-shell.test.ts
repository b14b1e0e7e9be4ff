import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DIST_DIR } from '../../server/stack.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { openApp, PHONE, screenshot } from '../helpers/pages.ts';

const { baseUrl } = inject('stack');
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

it('the app shell reloads with no network at all', async () => {
  const context = await browser.newContext(PHONE);
  const page = await openApp(context, baseUrl);
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('heading', { name: 'Refrain', level: 1 }).waitFor({ timeout: 15_000 });
  await expect.poll(() => page.getByTestId('sync-badge').textContent()).toMatch(/^Offline/);
  await page.getByTestId('new-song').click();
  await page.locator('#song-0-recipient').fill('Fia');
  await page.reload();
  await expect.poll(() => page.locator('#song-0-recipient').inputValue()).toBe('Fia');
  await screenshot(page, 'offline');
  await context.close();
});

it('a new build shows the update prompt and waits for the person before reloading', async () => {
  const context = await browser.newContext(PHONE);
  const page = await openApp(context, baseUrl);
  const first = await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL);
  const swFile = path.join(DIST_DIR, 'sw.js');
  const original = fs.readFileSync(swFile);
  try {
    fs.writeFileSync(swFile, Buffer.concat([original, Buffer.from(`\n// build ${Date.now()}\n`)]));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const prompt = page.getByTestId('update-prompt');
    await prompt.waitFor({ timeout: 30_000 });
    // Still the old worker in charge until the person says so.
    expect(await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL)).toBe(first);
    await screenshot(page, 'update-prompt');
    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await page.getByTestId('sync-badge').waitFor();
    expect(await page.getByTestId('update-prompt').count()).toBe(0);
    const waiting = await page.evaluate(
      async () => !!(await navigator.serviceWorker.getRegistration())!.waiting,
    );
    expect(waiting).toBe(false);
  } finally {
    fs.writeFileSync(swFile, original);
    await context.close();
  }
});
