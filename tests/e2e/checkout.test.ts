import { expect, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { waitForSlots } from '../helpers/generation.ts';
import {
  fillSong,
  openApp,
  PHONE,
  screenshot,
  sessionOf,
  waitOutboxEmpty,
} from '../helpers/pages.ts';

const fx = musicGptFixture();
const web = browserFixture();
const { sql } = fx;

it('compose → variations → choose → demo checkout → download of the full song', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, {
    recipient: 'Gus',
    relationship: 'dad',
    occasion: 'birthday',
    story: 'He fixed every bike on our street in 1998.',
    genre: 'country',
    mood: 'warm',
  });
  const formId = page.url().split('/').pop()!;
  await page.getByTestId('submit').click();
  await waitForSlots(sql, formId, 3, 'ready', 60_000);
  await page
    .locator('[data-testid="variation"][data-status="ready"]')
    .nth(2)
    .waitFor({ timeout: 30_000 });

  const { token } = await sessionOf(page);
  const before = await page.request.get(`${fx.server.baseUrl}/api/forms/${formId}/downloads`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(before.status()).toBe(402);

  const second = page.locator('[data-testid="variation"]').nth(1);
  await second.getByRole('button', { name: 'Take 2' }).click();
  await second.getByTestId('choose').click();
  await expect
    .poll(() => second.getByTestId('choose').textContent(), { timeout: 20_000 })
    .toBe('Chosen ✓');
  await waitOutboxEmpty(page);
  await page.getByTestId('pay').waitFor();
  await page.getByTestId('pay').scrollIntoViewIfNeeded();
  await screenshot(page, 'choose');

  await page.getByTestId('pay').click();
  await page.waitForURL(/\/demo-checkout\//);
  await screenshot(page, 'demo-checkout');
  await page.getByRole('button', { name: /Pay .*\(demo\)/ }).click();
  await page.waitForURL(`**/forms/${formId}?paid=1`);
  const link = page.getByTestId('download-mp3').first();
  await link.waitFor({ timeout: 20_000 });
  // Back from paying, on a fresh page, the pick shows as made: take 2 of the second variation.
  const picked = page.locator('[data-testid="variation"]').nth(1);
  await expect.poll(() => picked.getByText('Your pick ✓').count(), { timeout: 20_000 }).toBe(1);
  expect(await picked.getByRole('button', { name: 'Take 2' }).getAttribute('aria-pressed')).toBe(
    'true',
  );
  await link.scrollIntoViewIfNeeded();
  await screenshot(page, 'downloads');

  const full = await page.request.get(
    new URL((await link.getAttribute('href'))!, fx.server.baseUrl).toString(),
  );
  expect(full.status()).toBe(200);
  expect(full.headers()['content-type']).toMatch(/audio\/mpeg/);
  expect((await full.body()).equals(fx.musicgpt.mp3)).toBe(true);
  const [order] =
    await sql`select status, method, amount_cents from orders where form_id = ${formId}`;
  expect(order).toMatchObject({ status: 'paid', method: 'demo', amount_cents: 2900 });
  // Exactly the chosen take (variation 2, take 2) is unlocked.
  const unlocked = await sql`
    select s.variation_index, t.take_index from unlocks u join takes t on t.id = u.take_id join slots s on s.id = t.slot_id
    where u.form_id = ${formId}`;
  expect(unlocked).toEqual([{ variation_index: 1, take_index: 2 }]);
  await context.close();
});
