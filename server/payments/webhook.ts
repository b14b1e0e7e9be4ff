import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import type { Sql } from 'postgres';
import Stripe from 'stripe';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { AppEnv } from '../http/env.ts';
import { httpError } from '../http/errors.ts';
import { logger } from '../log.ts';
import { applySessionEvent, SESSION_EVENTS, SessionEvent, type EventOutcome } from './events.ts';

const log = logger('payments');

const AnyEvent = z.object({ id: z.string().min(1), type: z.string() });

/**
 * The secret Stripe signs webhooks with: STRIPE_WEBHOOK_SECRET, or for the demo checkout one
 * derived from the installation's auth secret, so it survives restarts and is never stored.
 */
export function webhookSecretFor(config: Config, authSecret: Uint8Array): string {
  return config.payments === 'stripe'
    ? config.stripe.webhookSecret!
    : demoWebhookSecret(authSecret);
}

export function demoWebhookSecret(authSecret: Uint8Array): string {
  return `whsec_demo_${createHmac('sha256', authSecret).update('demo-checkout-webhook').digest('base64url')}`;
}

export interface Receipt {
  eventId: string;
  duplicate: boolean;
  outcome: EventOutcome | 'ignored' | 'duplicate';
}

/**
 * Verifies one delivery on its raw body, records its event id and applies it, in one
 * transaction: a replay finds the id and does nothing, and a failure leaves no trace, so Stripe's
 * redelivery finishes the job. A bad signature is a 400 and changes nothing.
 */
export async function receiveStripeEvent(
  sql: Sql,
  secret: string,
  rawBody: string,
  signature: string | undefined,
): Promise<Receipt> {
  let event: unknown;
  try {
    event = await Stripe.webhooks.constructEventAsync(rawBody, signature ?? '', secret);
  } catch (err) {
    throw httpError(
      400,
      `the Stripe-Signature header does not match this body (${err instanceof Error ? err.message : err})`,
    );
  }
  const known = AnyEvent.safeParse(event);
  if (!known.success) throw httpError(400, 'the body is not a Stripe event');
  const isSessionEvent = (SESSION_EVENTS as readonly string[]).includes(known.data.type);
  const session = isSessionEvent ? SessionEvent.safeParse(event) : undefined;
  if (session && !session.success) {
    throw httpError(
      400,
      `the ${known.data.type} event is missing fields: ${z.prettifyError(session.error)}`,
    );
  }

  return sql.begin(async (tx) => {
    const [fresh] = await tx`
      insert into webhook_deliveries (source, key, payload)
      values ('stripe', ${known.data.id}, ${tx.json(event as never)})
      on conflict do nothing
      returning key`;
    if (!fresh) return { eventId: known.data.id, duplicate: true, outcome: 'duplicate' as const };
    const outcome = session?.success
      ? await applySessionEvent(tx, session.data)
      : ('ignored' as const);
    log.info('stripe event', { eventId: known.data.id, type: known.data.type, outcome });
    return { eventId: known.data.id, duplicate: false, outcome };
  });
}

/** POST /api/webhooks/stripe — Stripe's (or the demo checkout's) signed events. */
export function stripeWebhookRoutes(sql: Sql, secret: string) {
  return new Hono<AppEnv>().post('/', async (c) => {
    const receipt = await receiveStripeEvent(
      sql,
      secret,
      await c.req.text(),
      c.req.header('stripe-signature'),
    );
    return c.json({ received: true, ...receipt });
  });
}
