import Stripe from 'stripe';
import { describe, expect, inject, it } from 'vitest';
import { queries } from '../../schema/queries.ts';
import { demoCompletedEvent } from '../../server/payments/demo.ts';
import type { Order } from '../../server/payments/orders.ts';
import { demoWebhookSecret } from '../../server/payments/receipt.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm as readyFormIn } from '../helpers/generation.ts';
import { ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

// The demo checkout (no Stripe key): paying with credits while a card checkout of the same songs
// is still open must not let the songs be paid for twice.

const fx = musicGptFixture({ CREDITS_PER_SONG: '1' });
const { sql } = fx;

const CLOSED =
  'These songs were already paid for with credits, so this checkout was closed. Nothing was charged.';

async function checkout(guest: Guest, formId: string, method: 'card' | 'credits') {
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, {
    method: 'POST',
    body: JSON.stringify({ method }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** A guest with a ready form of `songs` songs, an open demo checkout for it, and credits. */
async function openDemoCheckout(songs: number) {
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = await readyFormIn(sql, guest, songs, 1);
  const card = await checkout(guest, formId, 'card');
  expect(card.body).toMatchObject({ status: 'pending', method: 'demo' });
  await sql`update owners set credits = 5 where id = ${guest.ownerId}`;
  return { guest, formId, cardOrderId: card.body.orderId as string, url: card.body.url as string };
}

async function ordersOf(formId: string) {
  return sql<Order[]>`select * from orders where form_id = ${formId} order by created_at`;
}

async function unlocksOf(formId: string) {
  return sql<{ order_id: string }[]>`select order_id from unlocks where form_id = ${formId}`;
}

describe('paying with credits while a demo checkout is open', () => {
  it('the still-open page refuses to take the payment, says why, and the card order ends closed', async () => {
    const { guest, formId, cardOrderId, url } = await openDemoCheckout(2);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Pay $49.00 (demo)');

    const credits = await checkout(guest, formId, 'credits');
    expect(credits.body).toMatchObject({ status: 'paid', method: 'credits', credits: 3 });

    const shown = await fetch(url);
    expect(shown.status).toBe(409);
    const shownHtml = await shown.text();
    expect(shownHtml).toContain(CLOSED);
    expect(shownHtml).not.toContain('<button');

    const paid = await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(409);
    expect(await paid.text()).toContain(CLOSED);

    const orders = await ordersOf(formId);
    expect(orders.map((o) => [o.id, o.method, o.status])).toEqual([
      [cardOrderId, 'demo', 'expired'],
      [credits.body.orderId, 'credits', 'paid'],
    ]);
    expect(orders[0]).toMatchObject({ end_reason: 'already_paid', paid_by_order: orders[1]!.id });
    expect(orders[0]!.session_closed_at).not.toBeNull();
    expect(orders[0]!.paid_at).toBeNull();
    const sessionId = url.split('/').pop()!;
    expect(
      await sql`select key from webhook_deliveries where payload->'data'->'object'->>'id' = ${sessionId}`,
    ).toHaveLength(0);
    expect((await unlocksOf(formId)).map((u) => u.order_id)).toEqual([
      orders[1]!.id,
      orders[1]!.id,
    ]);
    const [owner] = await sql`select credits from owners where id = ${guest.ownerId}`;
    expect(owner!.credits).toBe(3);

    // History, as the owner's devices replicate it: one paid order and one closed.
    const zero = connectZero(inject('stack').zeroUrl, guest);
    try {
      const view = zero.materialize(queries.myOrders());
      await waitFor(
        () => view.data.filter((o) => o.formId === formId).length === 2,
        20_000,
        () => JSON.stringify(view.data),
      );
      const byId = new Map(view.data.map((o) => [o.id, o]));
      expect(byId.get(credits.body.orderId)).toMatchObject({ status: 'paid', method: 'credits' });
      expect(byId.get(cardOrderId)).toMatchObject({
        status: 'expired',
        endReason: 'already_paid',
        method: 'demo',
      });
      view.destroy();
    } finally {
      await zero.close();
    }
  });

  it('a demo payment that lands anyway is refunded once, unlocks nothing and shows in History', async () => {
    const { guest, formId, cardOrderId, url } = await openDemoCheckout(1);
    const sessionId = url.split('/').pop()!;
    const [pending] = await sql<Order[]>`select * from orders where id = ${cardOrderId}`;
    // "Pay" pressed on the page in the same instant as the credit payment: its event is already
    // on its way when the credits commit.
    const payload = JSON.stringify(demoCompletedEvent(pending!, sessionId));
    const credits = await checkout(guest, formId, 'credits');
    expect(credits.status).toBe(200);
    const secret = demoWebhookSecret(new TextEncoder().encode(fx.server.env.AUTH_SECRET!));
    const deliver = () =>
      fetch(`${fx.server.baseUrl}/api/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
        body: payload,
      });
    const answers = await Promise.all([deliver(), deliver(), deliver()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const outcomes = (await Promise.all(answers.map((r) => r.json()))) as { outcome: string }[];
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'duplicate', 'refunded']);

    const [refunded] = await sql<Order[]>`select * from orders where id = ${cardOrderId}`;
    expect(refunded).toMatchObject({
      status: 'refunded',
      amount_cents: 2900,
      end_reason: 'already_paid',
      paid_by_order: credits.body.orderId,
    });
    expect(refunded!.payment_intent).toMatch(/^pi_demo_/);
    expect(refunded!.refund_id).toMatch(/^re_demo_[0-9a-f]{24}$/);
    expect(refunded!.refunded_at).not.toBeNull();
    expect(refunded!.refund_attempts).toBe(1);
    expect((await unlocksOf(formId)).map((u) => u.order_id)).toEqual([credits.body.orderId]);

    const page = await fetch(url);
    expect(page.status).toBe(409);
    expect(await page.text()).toContain(CLOSED);

    const zero = connectZero(inject('stack').zeroUrl, guest);
    try {
      const view = zero.materialize(queries.formOrders({ formId }));
      await waitFor(
        () => view.data.some((o) => o.id === cardOrderId && !!o.refundedAt),
        20_000,
        () => JSON.stringify(view.data),
      );
      expect(view.data.map((o) => o.status).sort()).toEqual(['paid', 'refunded']);
      expect(view.data.find((o) => o.id === cardOrderId)).toMatchObject({
        amountCents: 2900,
        endReason: 'already_paid',
      });
      view.destroy();
    } finally {
      await zero.close();
    }
  });
});

describe('after payment', () => {
  it('the chosen takes can no longer change; choosing the same take again changes nothing', async () => {
    const { guest, formId } = await openDemoCheckout(1);
    expect((await checkout(guest, formId, 'credits')).body.status).toBe('paid');
    const before = await sql`select slot_id, take_index from selections where form_id = ${formId}`;
    const [other] =
      await sql`select id from slots where form_id = ${formId} and variation_index = 2`;

    const [moved, retaken] = await sync(guest, [
      ops.select(formId, 0, other!.id, 2),
      ops.select(formId, 0, before[0]!.slot_id, before[0]!.take_index),
    ]);
    expect(moved).toMatchObject({
      status: 'rejected',
      code: 'state',
      error: 'These songs are paid for, so the chosen takes can no longer change.',
    });
    expect(retaken!.status).toBe('applied');
    expect(await sql`select slot_id, take_index from selections where form_id = ${formId}`).toEqual(
      before,
    );
    const [order] = await ordersOf(formId).then((o) => o.filter((x) => x.status === 'paid'));
    expect(order!.items.map((i) => [i.slotId, i.take])).toEqual([
      [before[0]!.slot_id, before[0]!.take_index],
    ]);
    const downloads = (await (await guest.fetch(`/api/forms/${formId}/downloads`)).json()) as {
      songs: { takeId: string }[];
    };
    expect(downloads.songs.map((s) => s.takeId)).toEqual([order!.items[0]!.takeId]);
  });
});
