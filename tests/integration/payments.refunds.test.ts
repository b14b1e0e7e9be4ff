import { QUIET_RECONCILER } from '../helpers/api-server.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queries } from '../../schema/queries.ts';
import type { Order } from '../../server/payments/orders.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { startMusicGptServer, testSql, waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';
import type { MusicGptStandIn } from '../standins/musicgpt.ts';
import { startStripeStandIn, type SignedEvent, type StripeStandIn } from '../standins/stripe.ts';

// Stripe (through its stand-in): a card checkout left open while the songs are paid another way is
// closed, and a card payment that completes for songs paid already is refunded exactly once.

const sql = testSql();
let server: RunningStack;
let musicgpt: MusicGptStandIn;
let stripe: StripeStandIn;
const extra: RunningStack[] = [];

const stripeEnv = () => ({
  ...QUIET_RECONCILER,
  STRIPE_SECRET_KEY: stripe.secretKey,
  STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
  STRIPE_API_BASE: stripe.url,
  CREDITS_PER_SONG: '1',
});

beforeAll(async () => {
  stripe = await startStripeStandIn();
  ({ server, musicgpt } = await startMusicGptServer(stripeEnv()));
});
afterAll(async () => {
  await Promise.all(extra.map((s) => s.stop()));
  await server?.stop();
  await musicgpt?.close();
  await stripe?.close();
  await sql.end();
});

async function checkout(guest: Guest, formId: string, method: 'card' | 'credits') {
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, {
    method: 'POST',
    body: JSON.stringify({ method }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Chooses `take` of the first variation of every song. */
async function choose(guest: Guest, formId: string, take: 1 | 2) {
  const slots = (await waitForSlots(sql, formId, 6)).filter((s) => s.variation_index === 0);
  const answers = await sync(
    guest,
    slots.map((s) => ops.select(formId, s.song_index, s.id, take)),
  );
  expect(answers.map((a) => a.status)).toEqual(['applied', 'applied']);
}

/** A guest with a ready two-song form, an open Checkout Session for it, and 5 credits. */
async function openCheckout() {
  const guest = await makeGuest(server.baseUrl);
  const formId = await createForm(guest, 2);
  await sync(guest, [ops.submit(formId)]);
  await choose(guest, formId, 1);
  const card = await checkout(guest, formId, 'card');
  expect(card.body).toMatchObject({ status: 'pending', method: 'stripe' });
  const sessionId = String(card.body.url).split('/').pop()!;
  expect(stripe.sessions.get(sessionId)?.status).toBe('open');
  await sql`update owners set credits = 5 where id = ${guest.ownerId}`;
  return { guest, formId, orderId: card.body.orderId as string, sessionId };
}

const deliver = (event: SignedEvent, to = server) =>
  stripe.deliver(`${to.baseUrl}/api/webhooks/stripe`, event);

const orderRow = async (id: string) =>
  (await sql<Order[]>`select * from orders where id = ${id}`)[0]!;

const unlockOrders = async (formId: string) =>
  (await sql<{ order_id: string }[]>`select order_id from unlocks where form_id = ${formId}`).map(
    (u) => u.order_id,
  );

const refundCallsFor = (orderId: string) =>
  stripe.refundCalls.filter((c) => c.idempotencyKey === `refrain-refund-${orderId}`);

describe('paying with credits while a Stripe checkout is open', () => {
  it('expires the open Checkout Session once and ends its order closed', async () => {
    const { guest, formId, orderId, sessionId } = await openCheckout();
    const credits = await checkout(guest, formId, 'credits');
    expect(credits.body).toMatchObject({ status: 'paid', method: 'credits' });

    expect(stripe.expireCalls.filter((c) => c.sessionId === sessionId)).toEqual([
      { sessionId, status: 200 },
    ]);
    expect(stripe.sessions.get(sessionId)!.status).toBe('expired');
    const closed = await orderRow(orderId);
    expect(closed).toMatchObject({
      status: 'expired',
      end_reason: 'already_paid',
      paid_by_order: credits.body.orderId,
    });
    expect(closed.session_closed_at).not.toBeNull();

    // Stripe then reports the expiry; nothing changes, and nothing is refunded.
    const expired = await deliver(stripe.event('checkout.session.expired', sessionId));
    expect(((await expired.json()) as { outcome: string }).outcome).toBe('unchanged');
    expect(refundCallsFor(orderId)).toHaveLength(0);
    expect(await unlockOrders(formId)).toEqual([credits.body.orderId, credits.body.orderId]);
  });
});

describe('a card payment for songs paid already', () => {
  it('completed on Stripe before the credits: refunded exactly once however it is delivered', async () => {
    const { guest, formId, orderId, sessionId } = await openCheckout();
    // The person pays on Stripe's page; its event has not arrived yet.
    const completed = stripe.event('checkout.session.completed', sessionId);
    const intent = stripe.sessions.get(sessionId)!.payment_intent!;
    const credits = await checkout(guest, formId, 'credits');
    expect(credits.body.status).toBe('paid');
    // Stripe refuses to expire a complete session; the order is closed on our side regardless.
    expect(stripe.expireCalls.filter((c) => c.sessionId === sessionId)).toEqual([
      { sessionId, status: 400 },
    ]);

    const answers = await Promise.all([deliver(completed), deliver(completed), deliver(completed)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const outcomes = ((await Promise.all(answers.map((r) => r.json()))) as { outcome: string }[])
      .map((b) => b.outcome)
      .sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'refunded']);
    const succeeded = await deliver(
      stripe.event('checkout.session.async_payment_succeeded', sessionId),
    );
    expect(((await succeeded.json()) as { outcome: string }).outcome).toBe('unchanged');

    const calls = refundCallsFor(orderId);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      status: 200,
      replayed: false,
      params: { payment_intent: intent, reason: 'duplicate' },
    });
    const refunds = [...stripe.refunds.values()].filter((r) => r.payment_intent === intent);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amount: 4900, status: 'succeeded' });

    const order = await orderRow(orderId);
    expect(order).toMatchObject({
      status: 'refunded',
      amount_cents: 4900,
      currency: 'usd',
      payment_intent: intent,
      refund_id: refunds[0]!.id,
      end_reason: 'already_paid',
      paid_by_order: credits.body.orderId,
    });
    expect(order.refunded_at).not.toBeNull();
    expect(order.receipt_number).toMatch(/^RF-\d{6}$/);
    expect(await unlockOrders(formId)).toEqual([credits.body.orderId, credits.body.orderId]);

    // Both orders, as the owner's devices replicate them.
    const zero = connectZero(inject('stack').zeroUrl, guest);
    try {
      const view = zero.materialize(queries.formOrders({ formId }));
      await waitFor(
        () => view.data.some((o) => o.id === orderId && !!o.refundedAt),
        20_000,
        () => JSON.stringify(view.data),
      );
      expect(view.data.map((o) => [o.method, o.status]).sort()).toEqual([
        ['credits', 'paid'],
        ['stripe', 'refunded'],
      ]);
      view.destroy();
    } finally {
      await zero.close();
    }
  });

  it('paying one card checkout closes the one for another choice; if that is paid too, it is refunded', async () => {
    const first = await openCheckout();
    const { guest, formId } = first;
    await choose(guest, formId, 2);
    const second = await checkout(guest, formId, 'card');
    const secondSession = String(second.body.url).split('/').pop()!;
    expect(second.body.orderId).not.toBe(first.orderId);

    const lateFirst = stripe.event('checkout.session.completed', first.sessionId);
    await deliver(stripe.event('checkout.session.completed', secondSession));
    expect((await orderRow(second.body.orderId)).status).toBe('paid');
    expect(stripe.expireCalls.filter((c) => c.sessionId === first.sessionId)).toEqual([
      { sessionId: first.sessionId, status: 400 },
    ]);
    expect((await orderRow(first.orderId)).status).toBe('expired');

    await deliver(lateFirst);
    expect(refundCallsFor(first.orderId)).toHaveLength(1);
    expect(await orderRow(first.orderId)).toMatchObject({
      status: 'refunded',
      paid_by_order: second.body.orderId,
    });
    expect(await unlockOrders(formId)).toEqual([second.body.orderId, second.body.orderId]);
  });

  it('a server killed after recording the refund, before asking Stripe, refunds once on its next start', async () => {
    const { guest, formId, orderId, sessionId } = await openCheckout();
    const completed = stripe.event('checkout.session.completed', sessionId);
    expect((await checkout(guest, formId, 'credits')).body.status).toBe('paid');

    const doomed = (
      await startMusicGptServer(
        { ...stripeEnv(), REFRAIN_FAULT: 'after-refund-recorded' },
        musicgpt,
      )
    ).server;
    extra.push(doomed);
    const from = doomed.output().length;
    await deliver(completed, doomed).catch(() => undefined);
    // Its supervisor starts a clean API on the same port: the next start, as far as Stripe knows.
    expect(await doomed.apiRestarted(from)).toBe('SIGKILL');
    // The refund was recorded before the kill; asking Stripe is left to whoever runs next.
    expect((await orderRow(orderId)).status).toBe('refunded');
    await waitFor(
      async () => (await orderRow(orderId)).refunded_at !== null,
      90_000,
      () => JSON.stringify(refundCallsFor(orderId)),
    );
    // Stripe redelivers the event the dead server never answered: it changes nothing.
    const again = await deliver(completed, doomed);
    expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);
    expect(refundCallsFor(orderId).filter((c) => !c.replayed)).toHaveLength(1);
    expect(stripe.refunds.size).toBe(
      new Set([...stripe.refunds.values()].map((r) => r.payment_intent)).size,
    );
    expect((await orderRow(orderId)).refund_id).toMatch(/^re_/);
    expect(await unlockOrders(formId)).toHaveLength(2);
  });
});

describe('Stripe-Signature timestamps', () => {
  it('an event signed 600 s in the future is refused with 400 and changes nothing', async () => {
    const { formId, orderId, sessionId } = await openCheckout();
    const now = Math.floor(Date.now() / 1000);
    const future = stripe.event('checkout.session.completed', sessionId, { timestamp: now + 600 });
    const refused = await deliver(future);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/in the future/);
    expect((await orderRow(orderId)).status).toBe('pending');
    expect(await unlockOrders(formId)).toEqual([]);
    expect(await sql`select key from webhook_deliveries where key = ${future.id}`).toHaveLength(0);

    // A clock a little ahead, within Stripe's 300 s, is still accepted.
    const skewed = stripe.event('checkout.session.completed', sessionId, { timestamp: now + 60 });
    expect((await deliver(skewed)).status).toBe(200);
    expect((await orderRow(orderId)).status).toBe('paid');
  });
});
