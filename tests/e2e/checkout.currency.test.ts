import { expect, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm } from '../helpers/generation.ts';
import { guestWith } from '../helpers/guest.ts';
import { openApp, PHONE, screenshot, sessionOf } from '../helpers/pages.ts';

const fx = musicGptFixture({ PRICE_CURRENCY: 'jpy', PRICES: '1:980,2:1980,3:2980,4:3980,5:4980' });
const web = browserFixture();

it('a shop in yen: the demo checkout and History show ¥1,980 on a phone', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  const guest = guestWith(fx.server.baseUrl, await sessionOf(page));
  const formId = await readyForm(fx.sql, guest, 2);
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' });
  const { url } = (await res.json()) as { url: string };

  await page.goto(url);
  await expect.poll(() => page.locator('.total strong').textContent()).toBe('¥1,980');
  await page.getByRole('button', { name: 'Pay ¥1,980 (demo)' }).waitFor();
  await screenshot(page, 'demo-checkout-jpy');

  await page.getByRole('button', { name: 'Pay ¥1,980 (demo)' }).click();
  await page.waitForURL(`**/forms/${formId}?paid=1`);
  await page.goto(`${fx.server.baseUrl}/`);
  const order = page.locator('[data-testid="order"][data-status="paid"]');
  await order.waitFor({ timeout: 20_000 });
  // The app formats in the reader's locale; this browser's is English.
  await expect.poll(() => order.locator('.card__meta').textContent()).toContain('¥1,980');
  await order.scrollIntoViewIfNeeded();
  await screenshot(page, 'history-jpy');
  await context.close();
});
