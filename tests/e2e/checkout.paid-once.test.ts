import Stripe from 'stripe';
import { expect, it } from 'vitest';
import { demoCompletedEvent } from '../../server/payments/demo.ts';
import type { Order } from '../../server/payments/orders.ts';
import { demoWebhookSecret } from '../../server/payments/receipt.ts';
import type { Guest } from '../helpers/api.ts';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm } from '../helpers/generation.ts';
import { ops, sync } from '../helpers/ops.ts';
import { openApp, PHONE, screenshot, sessionOf } from '../helpers/pages.ts';

const fx = musicGptFixture({ CREDITS_PER_SONG: '1' });
const web = browserFixture();
const { sql } = fx;

/** The API as the page's own session, so what it makes shows up in the page through Zero. */
function guestOf(baseUrl: string, session: { token: string; ownerId: string }): Guest {
  return {
    ...session,
    baseUrl,
    fetch: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${session.token}`,
          'content-type': 'application/json',
          ...init.headers,
        },
      }),
  };
}

const cardCheckout = async (guest: Guest, formId: string) =>
  (await (
    await guest.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' })
  ).json()) as { orderId: string; url: string };

/** The demo checkout's payment of `orderId` lands (signed as the demo gateway signs it). */
async function landPayment(orderId: string): Promise<string> {
  const [order] = await sql<Order[]>`select * from orders where id = ${orderId}`;
  const payload = JSON.stringify(demoCompletedEvent(order!, order!.session_id!));
  const secret = demoWebhookSecret(new TextEncoder().encode(fx.server.env.AUTH_SECRET!));
  const landed = await fetch(`${fx.server.baseUrl}/api/webhooks/stripe`, {
    method: 'POST',
    headers: { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }) },
    body: payload,
  });
  return ((await landed.json()) as { outcome: string }).outcome;
}

it('credits with card checkouts still open: the demo page refuses, History shows paid, closed and refunded', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  const guest = guestOf(fx.server.baseUrl, await sessionOf(page));
  const formId = await readyForm(sql, guest, 1, 1);

  // Two card checkouts left open, one per choice of take; then the person pays with credits.
  const first = await cardCheckout(guest, formId);
  const [chosen] = await sql`select slot_id from selections where form_id = ${formId}`;
  await sync(guest, [ops.select(formId, 0, chosen!.slot_id, 2)]);
  const second = await cardCheckout(guest, formId);
  expect(second.orderId).not.toBe(first.orderId);
  await sql`update owners set credits = 2 where id = ${guest.ownerId}`;

  await page.goto(`${fx.server.baseUrl}/forms/${formId}`);
  await page.getByTestId('pay-credits').click();
  await page.getByTestId('download-mp3').first().waitFor({ timeout: 20_000 });

  // The first checkout's "Pay" was pressed just as the credits went through: its payment lands.
  expect(await landPayment(first.orderId)).toBe('refunded');

  // The second checkout, still open in another tab.
  await page.goto(second.url);
  await page
    .getByText(
      'These songs were already paid for with credits, so this checkout was closed. Nothing was charged.',
    )
    .waitFor();
  expect(await page.getByRole('button').count()).toBe(0);
  await screenshot(page, 'demo-checkout-closed');

  await page.goto(`${fx.server.baseUrl}/`);
  const orders = page.getByTestId('orders');
  const refunded = orders.locator('[data-status="refunded"]');
  await refunded
    .getByText('Refunded — these songs were already paid for; $29.00 returned to your card')
    .waitFor({ timeout: 20_000 });
  await orders
    .locator('[data-status="expired"]')
    .getByText('Closed — these songs were already paid for; nothing was charged')
    .waitFor();
  await orders.locator('[data-status="paid"]').getByText('Paid').waitFor();
  await refunded.evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await screenshot(page, 'history-refunded');

  await page.goto(`${fx.server.baseUrl}/forms/${formId}`);
  await page.getByText('Orders and receipts').click();
  const receipts = page.locator('[data-testid="order"]');
  await receipts.first().waitFor();
  expect(await receipts.count()).toBe(3);
  await page
    .locator('[data-testid="order"][data-status="refunded"]')
    .getByText(/Refunded — these songs were already paid for; \$29\.00 returned to your card/)
    .scrollIntoViewIfNeeded();
  await screenshot(page, 'receipts-refunded');
  await context.close();
});

it('receipts opened on the results page stay open when a payment made elsewhere lands', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  const guest = guestOf(fx.server.baseUrl, await sessionOf(page));
  const formId = await readyForm(sql, guest, 1, 1);
  // A card checkout opened (on another device, say): the results page lists it as an order.
  const { orderId } = await cardCheckout(guest, formId);
  await page.goto(`${fx.server.baseUrl}/forms/${formId}`);
  await page.getByText('Orders and receipts').click();
  const receiptsOpen = page.locator('details.receipts[open]');
  await receiptsOpen.waitFor();

  // Its payment lands while this page is open: the page turns to the paid view without reloading.
  expect(await landPayment(orderId)).toBe('paid');
  await page.getByTestId('download-mp3').first().waitFor({ timeout: 30_000 });
  expect(await receiptsOpen.count()).toBe(1);
  await context.close();
});
