import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Sql } from 'postgres';
import Stripe from 'stripe';
import { z } from 'zod';
import type { OrderMethod } from '../../schema/orders.ts';
import type { AppEnv } from '../http/env.ts';
import { sessionMetadata } from './gateway.ts';
import {
  DEMO_STYLE_HASH,
  demoCheckoutPage,
  demoClosedPage,
  demoNotFoundPage,
} from './demo-page.ts';
import type { Order } from './orders.ts';
import { receiveAndSettle, type EventReceiver } from './receipt.ts';

/** The demo checkout's session id, as its links carry it. */
export const SessionId = z.string().regex(/^cs_demo_[0-9a-f]{32}$/);

/**
 * The `checkout.session.completed` event Stripe would send once this session is paid, shaped as
 * Stripe documents it. Its id follows from the session, so a second "Pay" is the same event and
 * the webhook ledger answers it as a duplicate.
 */
export function demoCompletedEvent(order: Order, sessionId: string) {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: `evt_demo_${createHash('sha256').update(`completed:${sessionId}`).digest('hex').slice(0, 24)}`,
    object: 'event',
    api_version: null,
    created: now,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
    data: {
      object: {
        id: sessionId,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        amount_total: order.amount_cents,
        amount_subtotal: order.amount_cents,
        currency: order.currency,
        client_reference_id: order.id,
        customer_email: order.buyer_email,
        customer_details: order.buyer_email ? { email: order.buyer_email } : null,
        metadata: sessionMetadata(order),
        payment_intent: `pi_demo_${sessionId.slice(8, 32)}`,
        created: now,
        livemode: false,
      },
    },
  };
}

type DemoOrder = Order & { paid_by_method: OrderMethod | null };

async function demoOrder(sql: Sql, sessionId: string): Promise<DemoOrder | undefined> {
  const [order] = await sql<DemoOrder[]>`
    select o.*, p.method as paid_by_method
    from orders o left join orders p on p.id = o.paid_by_order
    where o.session_id = ${sessionId} and o.method = 'demo'`;
  return order;
}

/**
 * GET /demo-checkout/:sessionId and POST …/pay — the keyless stand-in for Stripe's payment page.
 * Paying signs a Stripe-shaped event with the demo webhook secret and hands it to the same
 * receiver as POST /api/webhooks/stripe, so the demo exercises the real fulfilment path. A
 * checkout that ended (its songs were paid another way) takes no payment: it says why instead.
 */
export function demoCheckoutRoutes(sql: Sql, payments: EventReceiver) {
  return new Hono<AppEnv>()
    .use('*', async (c, next) => {
      c.set('styleHashes', [DEMO_STYLE_HASH]);
      await next();
      c.header('cache-control', 'no-store');
    })
    .get('/:sessionId', async (c) => {
      const sessionId = SessionId.safeParse(c.req.param('sessionId'));
      const order = sessionId.success ? await demoOrder(sql, sessionId.data) : undefined;
      if (!order) return c.html(demoNotFoundPage(), 404);
      if (isClosed(order)) return c.html(demoClosedPage(order, order.paid_by_method), 409);
      return c.html(demoCheckoutPage(order, order.session_id!));
    })
    .post('/:sessionId/pay', async (c) => {
      const sessionId = SessionId.safeParse(c.req.param('sessionId'));
      const order = sessionId.success ? await demoOrder(sql, sessionId.data) : undefined;
      if (!order) return c.html(demoNotFoundPage(), 404);
      if (isClosed(order)) return c.html(demoClosedPage(order, order.paid_by_method), 409);
      const payload = JSON.stringify(demoCompletedEvent(order, order.session_id!));
      const signature = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: payments.webhookSecret,
      });
      const receipt = await receiveAndSettle(sql, payments, payload, signature);
      if (receipt.outcome === 'refunded') {
        // Paid another way while this page was being paid: what it took went straight back.
        const ended = (await demoOrder(sql, order.session_id!))!;
        return c.html(demoClosedPage(ended, ended.paid_by_method), 409);
      }
      return c.redirect(`/forms/${order.form_id}?paid=1`, 303);
    });
}

/** An order that can no longer be paid here; a paid one still shows its own page. */
const isClosed = (order: Order) => order.status !== 'pending' && order.status !== 'paid';
