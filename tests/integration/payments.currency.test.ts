import { describe, expect, it } from 'vitest';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { musicGptFixture, stripeFixture } from '../helpers/fixtures.ts';
import { readyForm } from '../helpers/generation.ts';

// Yen have no decimals: Stripe takes ¥1,980 as `1980`, and every page shows ¥1,980, not ¥19.80.
const YEN = { PRICE_CURRENCY: 'jpy', PRICES: '1:980,2:1980,3:2980,4:3980,5:4980' };

async function checkout(baseUrl: string, guest: Guest, formId: string) {
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' });
  expect(res.status, baseUrl).toBe(200);
  return (await res.json()) as Record<string, any>;
}

describe('a shop priced in yen, paid through Stripe', () => {
  const fx = stripeFixture(YEN);
  const { sql } = fx;

  it('charges ¥1,980 as the whole-yen amount 1980 and records what Stripe charged', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(sql, guest, 2);
    const body = await checkout(fx.server.baseUrl, guest, formId);
    expect(body).toMatchObject({ method: 'stripe', amountCents: 1980, currency: 'jpy' });

    expect(fx.stripe.createCalls).toHaveLength(1);
    const [item] = fx.stripe.createCalls[0]!.params.line_items as Record<string, any>[];
    expect(item!.price_data).toMatchObject({ currency: 'jpy', unit_amount: '1980' });
    expect(item!.quantity).toBe('1');
    const sessionId = String(body.url).split('/').pop()!;
    expect(fx.stripe.sessions.get(sessionId)).toMatchObject({
      amount_total: 1980,
      currency: 'jpy',
    });

    const paid = await fx.stripe.deliver(
      `${fx.server.baseUrl}/api/webhooks/stripe`,
      fx.stripe.event('checkout.session.completed', sessionId),
    );
    expect(paid.status).toBe(200);
    const [order] =
      await sql`select status, amount_cents, currency from orders where id = ${body.orderId}`;
    expect(order).toEqual({ status: 'paid', amount_cents: 1980, currency: 'jpy' });
  });
});

describe('a shop priced in yen, with the demo checkout', () => {
  const fx = musicGptFixture(YEN);

  it('shows ¥1,980 on the checkout page and pays that amount', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(fx.sql, guest, 2);
    const body = await checkout(fx.server.baseUrl, guest, formId);
    expect(body).toMatchObject({ method: 'demo', amountCents: 1980, currency: 'jpy' });

    const html = await (await fetch(body.url)).text();
    expect(html).toContain('<strong>¥1,980</strong>');
    expect(html).toContain('Pay ¥1,980 (demo)');
    expect(html).not.toContain('¥20');

    const pay = await fetch(`${body.url}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pay.status).toBe(303);
    const [order] =
      await fx.sql`select status, amount_cents, currency from orders where id = ${body.orderId}`;
    expect(order).toEqual({ status: 'paid', amount_cents: 1980, currency: 'jpy' });
  });
});
