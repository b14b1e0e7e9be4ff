import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { stripeFixture } from '../helpers/fixtures.ts';
import { waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import type { SignedEvent, StandInSession } from '../standins/stripe.ts';

const fx = stripeFixture({ PRICES_CENTS: '1:2900,2:4900,3:6900,4:8400,5:9900' });
const { sql } = fx;

/** A form whose songs are generated, with take 1 of variation 1 chosen for every song. */
async function readyForm(guest: Guest, songs: number) {
  const formId = await createForm(guest, songs);
  await sync(guest, [ops.submit(formId)]);
  const slots = await waitForSlots(sql, formId, songs * 3);
  const chosen = slots.filter((s) => s.variation_index === 0);
  const answers = await sync(
    guest,
    chosen.map((s) => ops.select(formId, s.song_index, s.id, 1)),
  );
  expect(answers.map((a) => a.status)).toEqual(chosen.map(() => 'applied'));
  return { formId, slotIds: chosen.map((s) => s.id) };
}

async function checkout(guest: Guest, formId: string, body: unknown = {}) {
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const deliver = (event: SignedEvent) =>
  fx.stripe.deliver(`${fx.server.baseUrl}/api/webhooks/stripe`, event);

async function orderRow(orderId: string) {
  const [row] = await sql`
    select status, method, amount_cents, currency, session_id, receipt_number, paid_at, ended_at, payment_intent
    from orders where id = ${orderId}`;
  return row!;
}

async function unlockCount(formId: string) {
  const [row] = await sql`select count(*)::int as n from unlocks where form_id = ${formId}`;
  return row!.n as number;
}

async function formStatus(formId: string) {
  const [row] = await sql`select status from forms where id = ${formId}`;
  return row!.status as string;
}

/** A guest with a ready two-song form and one open Checkout Session for it. */
async function openCheckout() {
  const guest = await makeGuest(fx.server.baseUrl);
  const form = await readyForm(guest, 2);
  const { status, body } = await checkout(guest, form.formId);
  expect(status).toBe(200);
  const sessionId = String(body.url).split('/').pop()!;
  expect(fx.stripe.sessions.has(sessionId)).toBe(true);
  return { guest, ...form, orderId: body.orderId as string, sessionId };
}

describe('starting a checkout', () => {
  it('a double click opens one Checkout Session, priced by the server whatever the client sends', async () => {
    fx.stripe.reset();
    fx.stripe.script.responseDelayMs = 300;
    const guest = await makeGuest(fx.server.baseUrl);
    const { formId, slotIds } = await readyForm(guest, 2);

    const [a, b] = await Promise.all([
      checkout(guest, formId, { amount_cents: 1, price: 1, currency: 'jpy' }),
      checkout(guest, formId, { amountCents: 1, unit_amount: 1 }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.orderId).toBe(a.body.orderId);
    expect(b.body.url).toBe(a.body.url);
    expect(a.body).toMatchObject({
      status: 'pending',
      method: 'stripe',
      amountCents: 4900,
      currency: 'usd',
    });

    expect(fx.stripe.createCalls).toHaveLength(1);
    const [call] = fx.stripe.createCalls;
    expect(call!.idempotencyKey).toMatch(/^refrain-checkout-[0-9a-f]{64}$/);
    const session = [...fx.stripe.sessions.values()][0]!;
    expect(a.body.url).toBe(session.url);
    expect(session).toMatchObject({
      mode: 'payment',
      amount_total: 4900,
      currency: 'usd',
      client_reference_id: a.body.orderId,
      metadata: {
        formId,
        ownerId: guest.ownerId,
        orderId: a.body.orderId,
        slotIds: slotIds.join(','),
        takes: '1,1',
      },
    });
    expect(session.success_url).toBe(`${fx.server.baseUrl}/forms/${formId}?paid=1`);

    // A later click (another tab, a replay) answers the same session without asking Stripe again.
    const again = await checkout(guest, formId, { price: 0 });
    expect(again.body.url).toBe(a.body.url);
    expect(fx.stripe.createCalls).toHaveLength(1);
    const orders = await sql`select amount_cents from orders where form_id = ${formId}`;
    expect(orders.map((o) => o.amount_cents)).toEqual([4900]);
  });

  it('a session whose id was lost is asked for again under the same key and comes back the same', async () => {
    fx.stripe.reset();
    const { guest, formId, orderId, sessionId } = await openCheckout();
    await sql`update orders set session_id = null, checkout_url = null where id = ${orderId}`;
    const again = await checkout(guest, formId);
    expect(again.body.orderId).toBe(orderId);
    expect(again.body.url).toBe(fx.stripe.sessions.get(sessionId)!.url);
    expect(fx.stripe.createCalls).toHaveLength(2);
    expect(fx.stripe.createCalls[1]).toMatchObject({
      replayed: true,
      idempotencyKey: fx.stripe.createCalls[0]!.idempotencyKey,
    });
    expect(fx.stripe.sessions.size).toBe(1);
  });

  it('a provider failure answers 502 and does not poison the next attempt', async () => {
    fx.stripe.reset();
    fx.stripe.script.serverErrorNext = 1;
    const guest = await makeGuest(fx.server.baseUrl);
    const { formId } = await readyForm(guest, 1);
    const failed = await checkout(guest, formId);
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatch(/could not be opened/);
    expect(await sql`select id from orders where form_id = ${formId}`).toHaveLength(0);
    const firstKey = fx.stripe.createCalls[0]!.idempotencyKey;
    // stripe-node retried the 500 under the same key and got the stored 500 back.
    expect(
      fx.stripe.createCalls.every((c) => c.idempotencyKey === firstKey && c.status === 500),
    ).toBe(true);

    const retried = await checkout(guest, formId);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'pending', amountCents: 2900 });
    const last = fx.stripe.createCalls.at(-1)!;
    expect(last.status).toBe(200);
    expect(last.idempotencyKey).not.toBe(firstKey);
  });

  it('the stand-in refuses a reused idempotency key with other parameters, as Stripe does', async () => {
    fx.stripe.reset();
    const body = (amount: number) =>
      new URLSearchParams({
        mode: 'payment',
        success_url: 'http://127.0.0.1/ok',
        'line_items[0][quantity]': '1',
        'line_items[0][price_data][currency]': 'usd',
        'line_items[0][price_data][unit_amount]': String(amount),
        'line_items[0][price_data][product_data][name]': 'A song',
      }).toString();
    const post = (amount: number) =>
      fetch(`${fx.stripe.url}/v1/checkout/sessions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${fx.stripe.secretKey}`,
          'content-type': 'application/x-www-form-urlencoded',
          'idempotency-key': 'same-key',
        },
        body: body(amount),
      });
    const first = await post(100);
    const replay = await post(100);
    const other = await post(200);
    expect(first.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: string }).id).toBe(
      ((await first.json()) as { id: string }).id,
    );
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { type: string } }).error.type).toBe(
      'idempotency_error',
    );
    expect(fx.stripe.sessions.size).toBe(1);
  });

  it('refuses without a take chosen for every song, and answers someone else like a missing form', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await createForm(guest, 2);
    await sync(guest, [ops.submit(formId)]);
    const slots = await waitForSlots(sql, formId, 6);
    await sync(guest, [ops.select(formId, 0, slots.find((s) => s.song_index === 0)!.id, 2)]);
    const missing = await checkout(guest, formId);
    expect(missing.status).toBe(409);
    expect(missing.body.error).toMatch(/song 2/);

    const stranger = await makeGuest(fx.server.baseUrl);
    expect((await checkout(stranger, formId)).status).toBe(404);
    const bad = await stranger.fetch(`/api/forms/${formId}/checkout`, {
      method: 'POST',
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(await sql`select id from orders where form_id = ${formId}`).toHaveLength(0);
  });
});

describe('the Stripe webhook', () => {
  it('a forged, unsigned or altered delivery answers 400 and changes nothing', async () => {
    const { formId, orderId, sessionId } = await openCheckout();
    const event = fx.stripe.event('checkout.session.completed', sessionId);
    const url = `${fx.server.baseUrl}/api/webhooks/stripe`;
    const post = (body: string, signature?: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'stripe-signature': signature } : {}),
        },
        body,
      });
    const forgedSecret = Stripe.webhooks.generateTestHeaderString({
      payload: event.payload,
      secret: 'whsec_not_the_real_one',
    });
    const answers = await Promise.all([
      post(event.payload),
      post(event.payload, forgedSecret),
      post(event.payload.replace('"amount_total":4900', '"amount_total":1'), event.signature),
      post(event.payload, 't=1,v1=deadbeef'),
    ]);
    expect(answers.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(((await answers[1]!.json()) as { error: string }).error).toMatch(/Stripe-Signature/);

    expect((await orderRow(orderId)).status).toBe('pending');
    expect(await unlockCount(formId)).toBe(0);
    expect(await formStatus(formId)).toBe('ready');
    expect(
      await sql`select key from webhook_deliveries where source = 'stripe' and key = ${event.id}`,
    ).toHaveLength(0);

    // The genuine delivery still works afterwards.
    expect((await deliver(event)).status).toBe(200);
    expect((await orderRow(orderId)).status).toBe('paid');
  });

  it('the same event delivered five times fulfils once', async () => {
    const { formId, orderId, sessionId } = await openCheckout();
    const event = fx.stripe.event('checkout.session.completed', sessionId);
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as {
      duplicate: boolean;
      outcome: string;
    }[];
    expect(bodies.filter((b) => !b.duplicate).map((b) => b.outcome)).toEqual(['paid']);
    expect(bodies.filter((b) => b.duplicate)).toHaveLength(4);

    const paid = await orderRow(orderId);
    expect(paid).toMatchObject({
      status: 'paid',
      method: 'stripe',
      amount_cents: 4900,
      session_id: sessionId,
    });
    expect(paid.receipt_number).toMatch(/^RF-\d{6}$/);
    expect(paid.payment_intent).toMatch(/^pi_/);
    expect(await unlockCount(formId)).toBe(2);
    expect(await formStatus(formId)).toBe('paid');
    expect(
      await sql`select key from webhook_deliveries where source = 'stripe' and key = ${event.id}`,
    ).toHaveLength(1);

    // Stripe retrying days later changes nothing either.
    expect(((await (await deliver(event)).json()) as { duplicate: boolean }).duplicate).toBe(true);
    const later = await orderRow(orderId);
    expect(later.paid_at).toEqual(paid.paid_at);
    expect(later.receipt_number).toBe(paid.receipt_number);
  });

  it('a paid session this server never recorded is fulfilled once, from its metadata', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const { formId, slotIds } = await readyForm(guest, 2);
    const lostOrderId = randomUUID();
    const session: StandInSession = {
      id: `cs_test_lost_${randomUUID().replace(/-/g, '')}`,
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_subtotal: 4900,
      amount_total: 4900,
      currency: 'usd',
      client_reference_id: lostOrderId,
      customer_email: null,
      customer_details: null,
      metadata: {
        formId,
        ownerId: guest.ownerId,
        orderId: lostOrderId,
        slotIds: slotIds.join(','),
        takes: '1,1',
      },
      payment_intent: null,
      success_url: `${fx.server.baseUrl}/forms/${formId}?paid=1`,
      cancel_url: null,
      url: null,
      created: Math.floor(Date.now() / 1000),
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      livemode: false,
      line_items_sent: [],
    };
    // Two different events for the unknown session race each other.
    const completed = fx.stripe.event('checkout.session.completed', session);
    const succeeded = fx.stripe.event('checkout.session.async_payment_succeeded', session);
    const answers = await Promise.all([deliver(completed), deliver(succeeded)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const outcomes = (
      (await Promise.all(answers.map((r) => r.json()))) as { outcome: string }[]
    ).map((b) => b.outcome);
    expect(outcomes.sort()).toEqual(['paid', 'unchanged']);

    const orders =
      await sql`select id, status, session_id, amount_cents, items from orders where form_id = ${formId}`;
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      id: lostOrderId,
      status: 'paid',
      session_id: session.id,
      amount_cents: 4900,
    });
    expect(orders[0]!.items.map((i: { slotId: string }) => i.slotId)).toEqual(slotIds);
    expect(await unlockCount(formId)).toBe(2);
    const downloads = await guest.fetch(`/api/forms/${formId}/downloads`);
    expect(downloads.status).toBe(200);
  });

  it('a completion for an order whose session id was never stored finds it by client_reference_id', async () => {
    const { formId, orderId, sessionId } = await openCheckout();
    await sql`update orders set session_id = null where id = ${orderId}`;
    const answer = await deliver(fx.stripe.event('checkout.session.completed', sessionId));
    expect(answer.status).toBe(200);
    expect(await orderRow(orderId)).toMatchObject({ status: 'paid', session_id: sessionId });
    expect(await sql`select id from orders where form_id = ${formId}`).toHaveLength(1);
  });

  it('events in any order: expired or failed after paid stays paid', async () => {
    const { formId, orderId, sessionId } = await openCheckout();
    for (const type of [
      'checkout.session.completed',
      'checkout.session.expired',
      'checkout.session.async_payment_failed',
    ] as const) {
      expect((await deliver(fx.stripe.event(type, sessionId))).status).toBe(200);
    }
    expect(await orderRow(orderId)).toMatchObject({ status: 'paid', ended_at: null });
    expect(await unlockCount(formId)).toBe(2);
    expect(await formStatus(formId)).toBe('paid');
  });

  it('a delayed payment waits for async_payment_succeeded; a failed one ends the order unpaid', async () => {
    const later = await openCheckout();
    await deliver(
      fx.stripe.event('checkout.session.completed', later.sessionId, { paymentStatus: 'unpaid' }),
    );
    expect((await orderRow(later.orderId)).status).toBe('pending');
    expect(await unlockCount(later.formId)).toBe(0);
    await deliver(fx.stripe.event('checkout.session.async_payment_succeeded', later.sessionId));
    expect((await orderRow(later.orderId)).status).toBe('paid');
    expect(await unlockCount(later.formId)).toBe(2);

    const failing = await openCheckout();
    await deliver(
      fx.stripe.event('checkout.session.completed', failing.sessionId, { paymentStatus: 'unpaid' }),
    );
    await deliver(fx.stripe.event('checkout.session.async_payment_failed', failing.sessionId));
    expect((await orderRow(failing.orderId)).status).toBe('failed');
    expect(await unlockCount(failing.formId)).toBe(0);
    expect(await formStatus(failing.formId)).toBe('ready');
    expect((await failing.guest.fetch(`/api/forms/${failing.formId}/downloads`)).status).toBe(402);
  });

  it('after a session expires, checking out again opens a new session under a new key', async () => {
    fx.stripe.reset();
    const { guest, formId, orderId, sessionId } = await openCheckout();
    await deliver(fx.stripe.event('checkout.session.expired', sessionId));
    expect((await orderRow(orderId)).status).toBe('expired');
    const again = await checkout(guest, formId);
    expect(again.status).toBe(200);
    expect(again.body.orderId).not.toBe(orderId);
    expect(again.body.url).not.toContain(sessionId);
    expect(fx.stripe.createCalls).toHaveLength(2);
    expect(fx.stripe.createCalls[1]!.idempotencyKey).not.toBe(
      fx.stripe.createCalls[0]!.idempotencyKey,
    );
  });
});
