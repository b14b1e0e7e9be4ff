import type { Sql } from 'postgres';
import Stripe from 'stripe';
import { z } from 'zod';
import { demoCheckoutWebhookKey } from '../auth/signing.ts';
import type { Config } from '../config.ts';
import { Refusal } from '../errors.ts';
import { jsonb } from '../db/jsonb.ts';
import { faultPoint } from '../faults.ts';
import { logger } from '../log.ts';
import { applySessionEvent, SESSION_EVENTS, SessionEvent, type EventOutcome } from './events.ts';
import { noFollowUp, type FollowUp, type Settlement } from './settlement.ts';

const log = logger('payments');

const AnyEvent = z.object({ id: z.string().min(1), type: z.string() });

// Stripe's default tolerance (https://docs.stripe.com/webhooks#replay-attacks). stripe-node only
// refuses timestamps older than this; a signed header from further in the future is refused too.
const TOLERANCE_SEC = 300;

/**
 * The secret Stripe signs webhooks with: STRIPE_WEBHOOK_SECRET, or for the demo checkout one
 * derived from the installation's auth secret, so it survives restarts and is never stored.
 */
export function webhookSecretFor(
  config: Pick<Config, 'payments' | 'stripe'>,
  authSecret: Uint8Array,
): string {
  return config.payments === 'stripe'
    ? config.stripe.webhookSecret!
    : demoWebhookSecret(authSecret);
}

export function demoWebhookSecret(authSecret: Uint8Array): string {
  return `whsec_demo_${demoCheckoutWebhookKey(authSecret)}`;
}

export interface Receipt {
  eventId: string;
  duplicate: boolean;
  outcome: EventOutcome | 'ignored' | 'duplicate';
  /** For the gateway once the event's transaction has committed; empty for a duplicate. */
  followUp: FollowUp;
}

/** The latest `t=` of a Stripe-Signature header, in seconds. */
function signedAt(signature: string): number | undefined {
  const times = signature
    .split(',')
    .map((part) => /^\s*t=(\d+)\s*$/.exec(part)?.[1])
    .filter((t): t is string => t !== undefined)
    .map(Number);
  return times.length ? Math.max(...times) : undefined;
}

/**
 * Verifies one delivery on its raw body, records its event id and applies it, in one
 * transaction: a replay finds the id and does nothing, and a failure leaves no trace, so Stripe's
 * redelivery finishes the job. A bad signature, or one dated ahead of the tolerance, is a 400
 * and changes nothing.
 */
export async function receiveStripeEvent(
  sql: Sql,
  secret: string,
  rawBody: string,
  signature: string | undefined,
): Promise<Receipt> {
  let event: unknown;
  try {
    event = await Stripe.webhooks.constructEventAsync(
      rawBody,
      signature ?? '',
      secret,
      TOLERANCE_SEC,
    );
  } catch (err) {
    throw new Refusal(
      'invalid',
      `the Stripe-Signature header does not match this body (${err instanceof Error ? err.message : err})`,
    );
  }
  const ahead = (signedAt(signature ?? '') ?? 0) - Math.floor(Date.now() / 1000);
  if (ahead > TOLERANCE_SEC) {
    throw new Refusal(
      'invalid',
      `the Stripe-Signature timestamp is ${ahead} s in the future, more than the ${TOLERANCE_SEC} s allowed`,
    );
  }
  const known = AnyEvent.safeParse(event);
  if (!known.success) throw new Refusal('invalid', 'the body is not a Stripe event');
  const isSessionEvent = (SESSION_EVENTS as readonly string[]).includes(known.data.type);
  const session = isSessionEvent ? SessionEvent.safeParse(event) : undefined;
  if (session && !session.success) {
    throw new Refusal(
      'invalid',
      `the ${known.data.type} event is missing fields: ${z.prettifyError(session.error)}`,
    );
  }

  return sql.begin(async (tx) => {
    const [fresh] = await tx`
      insert into webhook_deliveries (source, key, payload)
      values ('stripe', ${known.data.id}, ${jsonb(tx, event)})
      on conflict do nothing
      returning key`;
    if (!fresh) {
      return {
        eventId: known.data.id,
        duplicate: true,
        outcome: 'duplicate' as const,
        followUp: noFollowUp(),
      };
    }
    const applied = session?.success
      ? await applySessionEvent(tx, session.data)
      : { outcome: 'ignored' as const, followUp: noFollowUp() };
    log.info('stripe event', {
      eventId: known.data.id,
      type: known.data.type,
      outcome: applied.outcome,
    });
    return { eventId: known.data.id, duplicate: false, ...applied };
  });
}

/** What receiving a Stripe event needs: the secret it is signed with, and who settles after. */
export interface EventReceiver {
  webhookSecret: string;
  settlement: Settlement;
}

/** Receives an event, then makes the gateway calls it left (refunds, closing checkouts). */
export async function receiveAndSettle(
  sql: Sql,
  payments: EventReceiver,
  rawBody: string,
  signature: string | undefined,
): Promise<Receipt> {
  const receipt = await receiveStripeEvent(sql, payments.webhookSecret, rawBody, signature);
  if (receipt.followUp.refund.length > 0) faultPoint('after-refund-recorded');
  await payments.settlement.followUp(receipt.followUp);
  return receipt;
}
