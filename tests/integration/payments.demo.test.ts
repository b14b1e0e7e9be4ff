import Stripe from 'stripe';
import { describe, expect, inject, it } from 'vitest';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm as readyFormIn } from '../helpers/generation.ts';
import { queries } from '../../schema/queries.ts';
import { demoWebhookSecret } from '../../server/payments/receipt.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

const fx = musicGptFixture();
const { sql } = fx;

const readyForm = (guest: Guest, songs: number) => readyFormIn(sql, guest, songs, 2);

async function checkout(guest: Guest, formId: string, body: unknown = {}) {
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const pay = (url: string) => fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });

describe('the demo checkout', () => {
  it('opens a page that charges nothing and shows the songs and the price; a double click opens it once', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(guest, 2);
    const [a, b] = await Promise.all([
      checkout(guest, formId, { price: 1 }),
      checkout(guest, formId),
    ]);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      status: 'pending',
      method: 'demo',
      amountCents: 4900,
      currency: 'usd',
    });
    expect(a.body.url).toMatch(
      new RegExp(`^${fx.server.baseUrl}/demo-checkout/cs_demo_[0-9a-f]{32}$`),
    );
    expect(b.body).toMatchObject({ orderId: a.body.orderId, url: a.body.url });
    expect(await sql`select id from orders where form_id = ${formId}`).toHaveLength(1);

    const page = await fetch(a.body.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Demo checkout — no card is charged');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('name="viewport"');
    expect(html).toContain('$49.00');
    expect(html).toMatch(
      /<form method="post" action="\/demo-checkout\/cs_demo_[0-9a-f]{32}\/pay">/,
    );
    const titles = await sql`
      select t.title from selections sel join takes t on t.slot_id = sel.slot_id and t.take_index = sel.take_index
      where sel.form_id = ${formId}`;
    for (const { title } of titles) expect(html).toContain(title);

    expect(
      (await fetch(`${fx.server.baseUrl}/demo-checkout/cs_demo_${'0'.repeat(32)}`)).status,
    ).toBe(404);
  });

  it('"Pay" pressed twice fulfils once through the webhook and returns to the form', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(guest, 1);
    const { body } = await checkout(guest, formId);
    const sessionId = String(body.url).split('/').pop();

    const answers = await Promise.all([pay(body.url), pay(body.url)]);
    expect(answers.map((r) => r.status)).toEqual([303, 303]);
    expect(answers.map((r) => r.headers.get('location'))).toEqual([
      `/forms/${formId}?paid=1`,
      `/forms/${formId}?paid=1`,
    ]);

    const deliveries = await sql`
      select key from webhook_deliveries where source = 'stripe' and payload->'data'->'object'->>'id' = ${sessionId!}`;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.key).toMatch(/^evt_demo_/);
    const [order] =
      await sql`select status, method, amount_cents, receipt_number, session_id from orders where id = ${body.orderId}`;
    expect(order).toMatchObject({
      status: 'paid',
      method: 'demo',
      amount_cents: 2900,
      session_id: sessionId,
    });
    expect(order!.receipt_number).toMatch(/^RF-\d{6}$/);
    const [form] = await sql`select status from forms where id = ${formId}`;
    expect(form!.status).toBe('paid');
    expect((await sql`select take_id from unlocks where form_id = ${formId}`).length).toBe(1);

    expect(await (await fetch(body.url)).text()).toContain('This order is paid.');
    // Checking out again answers the paid order instead of opening another.
    const again = await checkout(guest, formId);
    expect(again.body).toMatchObject({
      orderId: body.orderId,
      status: 'paid',
      url: `${fx.server.baseUrl}/forms/${formId}?paid=1`,
    });
    expect(await sql`select id from orders where form_id = ${formId}`).toHaveLength(1);
  });

  it('the webhook endpoint verifies demo events with the secret derived from the auth secret', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(guest, 1);
    const { body } = await checkout(guest, formId);
    const sessionId = String(body.url).split('/').pop()!;
    const [order] =
      await sql`select owner_id, form_id, items from orders where id = ${body.orderId}`;
    const payload = JSON.stringify({
      id: `evt_test_${sessionId}`,
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          id: sessionId,
          object: 'checkout.session',
          payment_status: 'paid',
          amount_total: 2900,
          currency: 'usd',
          client_reference_id: body.orderId,
          metadata: { formId: order!.form_id, ownerId: order!.owner_id },
        },
      },
    });
    const post = (secret: string) =>
      fetch(`${fx.server.baseUrl}/api/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
        body: payload,
      });
    expect((await post('whsec_guessed')).status).toBe(400);
    expect((await sql`select status from orders where id = ${body.orderId}`)[0]!.status).toBe(
      'pending',
    );
    const secret = demoWebhookSecret(new TextEncoder().encode(fx.server.env.AUTH_SECRET!));
    expect((await post(secret)).status).toBe(200);
    expect((await sql`select status from orders where id = ${body.orderId}`)[0]!.status).toBe(
      'paid',
    );
  });

  it('a paid form keeps its chosen takes, and refuses a checkout for another choice', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(guest, 1);
    const { body } = await checkout(guest, formId);
    await pay(body.url);
    const other = (
      await sql`select id from slots where form_id = ${formId} and variation_index = 1`
    )[0]!.id;
    const [refused] = await sync(guest, [ops.select(formId, 0, other, 1)]);
    expect(refused).toMatchObject({
      status: 'rejected',
      code: 'state',
      error: 'These songs are paid for, so the chosen takes can no longer change.',
    });
    // Were the selection to change anyway, a checkout for it is refused, not sold again.
    await sql`update selections set slot_id = ${other}, take_index = 1 where form_id = ${formId}`;
    const again = await checkout(guest, formId);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/paid already/);
  });
});

describe('orders and credits in the sync engine', () => {
  it('an owner sees its orders and credits live, and never another owner’s', async () => {
    const { zeroUrl } = inject('stack');
    const [owner, stranger] = await Promise.all([
      makeGuest(fx.server.baseUrl),
      makeGuest(fx.server.baseUrl),
    ]);
    const formId = await readyForm(owner, 1);
    const zero = connectZero(zeroUrl, owner);
    const peek = connectZero(zeroUrl, stranger);
    try {
      const orders = zero.materialize(queries.myOrders());
      const credits = zero.materialize(queries.myCredits());
      const { body } = await checkout(owner, formId);
      await waitFor(
        () => orders.data.some((o) => o.id === body.orderId),
        20_000,
        () => JSON.stringify(orders.data),
      );
      await pay(body.url);
      await waitFor(
        () =>
          orders.data.some(
            (o) => o.id === body.orderId && o.status === 'paid' && !!o.receiptNumber,
          ),
        20_000,
        () => JSON.stringify(orders.data),
      );
      const paid = orders.data.find((o) => o.id === body.orderId)!;
      expect(paid).toMatchObject({
        formId,
        method: 'demo',
        amountCents: 2900,
        currency: 'usd',
        songCount: 1,
      });

      await sql`update owners set credits = 3 where id = ${owner.ownerId}`;
      await waitFor(
        () => credits.data?.credits === 3,
        20_000,
        () => JSON.stringify(credits.data),
      );

      const forForm = await zero.run(queries.formOrders({ formId }), { type: 'complete' });
      expect(forForm.map((o) => o.id)).toEqual([body.orderId]);
      expect(await peek.run(queries.myOrders(), { type: 'complete' })).toEqual([]);
      expect(await peek.run(queries.formOrders({ formId }), { type: 'complete' })).toEqual([]);
      expect((await peek.run(queries.myCredits(), { type: 'complete' }))?.credits).toBe(0);
      orders.destroy();
      credits.destroy();
    } finally {
      await zero.close();
      await peek.close();
    }
  });
});
