import { Hono } from 'hono';
import type { Sql } from 'postgres';
import type { AppEnv } from '../http/env.ts';
import { receiveAndSettle, type EventReceiver } from '../payments/receipt.ts';

/**
 * POST /api/webhooks/stripe — Stripe's (or the demo checkout's) signed events. Checking the
 * signature, recording the event once and applying it is payments' work (payments/receipt.ts).
 */
export function stripeWebhookRoutes(sql: Sql, payments: EventReceiver) {
  return new Hono<AppEnv>().post('/', async (c) => {
    const { followUp: _, ...receipt } = await receiveAndSettle(
      sql,
      payments,
      await c.req.text(),
      c.req.header('stripe-signature'),
    );
    return c.json({ received: true, ...receipt });
  });
}
