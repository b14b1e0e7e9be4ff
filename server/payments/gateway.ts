import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import type { Config } from '../config.ts';
import { logger } from '../log.ts';
import type { Order } from './orders.ts';

const log = logger('checkout');

export type OpenResult =
  | { kind: 'opened'; sessionId: string; url: string; expiresAt?: Date }
  | { kind: 'failed'; reason: string; status?: number };

export type CloseResult = { kind: 'closed' } | { kind: 'failed'; reason: string };

/** `refundId` is null when the payment had been refunded some other way already. */
export type RefundResult =
  { kind: 'refunded'; refundId: string | null } | { kind: 'failed'; reason: string };

/** Where a person pays: Stripe Checkout, or the local demo page when no key is set. */
export interface CheckoutGateway {
  readonly method: 'stripe' | 'demo';
  /** Opens the one Checkout Session of an order. Never throws for provider trouble. */
  open(order: Order): Promise<OpenResult>;
  /** Makes an order's checkout refuse payment; `closed` also when it is no longer open anyway. */
  close(order: Order): Promise<CloseResult>;
  /** Gives back all an order's payment took. Safe to repeat: a repeat refunds nothing more. */
  refund(order: Order): Promise<RefundResult>;
}

/**
 * What a Checkout Session carries back in every webhook: enough to find, or rebuild, its order
 * when this database has not seen the session (Stripe allows 50 keys of up to 500 characters).
 */
export function sessionMetadata(order: Order): Record<string, string> {
  return {
    formId: order.form_id,
    ownerId: order.owner_id,
    orderId: order.id,
    slotIds: order.items.map((i) => i.slotId).join(','),
    takes: order.items.map((i) => i.take).join(','),
  };
}

/**
 * One key per order of one choice of takes: a double click or a retry after a lost answer gets
 * the session Stripe already made, while a new order (after the last one expired) gets a new one.
 */
export function idempotencyKey(order: Order): string {
  const hash = createHash('sha256')
    .update(`${order.form_id}|${order.selection_hash}|${order.id}`)
    .digest('hex');
  return `refrain-checkout-${hash}`;
}

/** One refund per order, however often it is asked for (a retry, a crash before the answer). */
export const refundIdempotencyKey = (order: Order) => `refrain-refund-${order.id}`;

export function formUrl(config: Pick<Config, 'publicUrl'>, formId: string): string {
  return `${config.publicUrl}/forms/${formId}`;
}

function productName(order: Order): string {
  return order.song_count === 1 ? 'A custom song' : `${order.song_count} custom songs`;
}

function productDescription(order: Order): string | undefined {
  const titles = order.items.map((i) => i.title).filter(Boolean);
  return titles.length ? titles.join(' · ').slice(0, 500) : undefined;
}

/** The client for STRIPE_SECRET_KEY; STRIPE_API_BASE points it elsewhere (a local stand-in). */
export function stripeClient(stripe: Config['stripe']): Stripe {
  const base = stripe.apiBase ? new URL(stripe.apiBase) : undefined;
  return new Stripe(stripe.secretKey ?? '', {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}

export function stripeGateway(config: Pick<Config, 'publicUrl'>, stripe: Stripe): CheckoutGateway {
  return {
    method: 'stripe',
    async open(order) {
      try {
        const session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                price_data: {
                  currency: order.currency,
                  unit_amount: order.amount_cents,
                  product_data: {
                    name: productName(order),
                    description: productDescription(order),
                  },
                },
                quantity: 1,
              },
            ],
            success_url: `${formUrl(config, order.form_id)}?paid=1`,
            cancel_url: formUrl(config, order.form_id),
            client_reference_id: order.id,
            metadata: sessionMetadata(order),
            customer_email: order.buyer_email ?? undefined,
          },
          { idempotencyKey: idempotencyKey(order) },
        );
        if (!session.url)
          return { kind: 'failed', reason: 'Stripe made a session without a payment page' };
        return {
          kind: 'opened',
          sessionId: session.id,
          url: session.url,
          expiresAt: session.expires_at ? new Date(session.expires_at * 1000) : undefined,
        };
      } catch (err) {
        const status = err instanceof Stripe.errors.StripeError ? err.statusCode : undefined;
        log.warn('Stripe refused to open a Checkout Session', {
          orderId: order.id,
          status,
          error: String(err),
        });
        return { kind: 'failed', reason: err instanceof Error ? err.message : String(err), status };
      }
    },

    async close(order) {
      if (!order.session_id) return { kind: 'closed' };
      try {
        await stripe.checkout.sessions.expire(order.session_id);
        return { kind: 'closed' };
      } catch (err) {
        // Only an open session can be expired (https://docs.stripe.com/api/checkout/sessions/expire).
        // One that completed meanwhile is refunded when its event arrives; one that expired is closed.
        const status = await stripe.checkout.sessions
          .retrieve(order.session_id)
          .then((s) => s.status)
          .catch(() => undefined);
        if (status && status !== 'open') return { kind: 'closed' };
        log.warn('Stripe did not close a Checkout Session', {
          orderId: order.id,
          error: String(err),
        });
        return { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
      }
    },

    async refund(order) {
      try {
        const intent =
          order.payment_intent ??
          (order.session_id
            ? paymentIntentId(
                (await stripe.checkout.sessions.retrieve(order.session_id)).payment_intent,
              )
            : undefined);
        if (!intent) return { kind: 'failed', reason: 'Stripe reports no payment for this order' };
        const refund = await stripe.refunds.create(
          {
            payment_intent: intent,
            reason: 'duplicate',
            metadata: { orderId: order.id, formId: order.form_id },
          },
          { idempotencyKey: refundIdempotencyKey(order) },
        );
        return { kind: 'refunded', refundId: refund.id };
      } catch (err) {
        if (err instanceof Stripe.errors.StripeError && err.code === 'charge_already_refunded') {
          return { kind: 'refunded', refundId: null };
        }
        log.warn('Stripe did not make a refund', { orderId: order.id, error: String(err) });
        return { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

function paymentIntentId(intent: string | { id: string } | null): string | undefined {
  return (typeof intent === 'string' ? intent : intent?.id) ?? undefined;
}

const demoRefundId = (order: Order) =>
  `re_demo_${createHash('sha256').update(refundIdempotencyKey(order)).digest('hex').slice(0, 24)}`;

/** Sessions of the demo checkout: named after the order, so a repeat names the same session. */
export function demoGateway(config: Pick<Config, 'publicUrl'>): CheckoutGateway {
  return {
    method: 'demo',
    async open(order) {
      const sessionId = `cs_demo_${createHash('sha256').update(order.id).digest('hex').slice(0, 32)}`;
      return { kind: 'opened', sessionId, url: `${config.publicUrl}/demo-checkout/${sessionId}` };
    },
    // The demo page reads the order's status, so a closed order is a closed page.
    async close() {
      return { kind: 'closed' };
    },
    // Nothing was charged: the refund is only recorded, under an id that follows from the order.
    async refund(order) {
      return { kind: 'refunded', refundId: demoRefundId(order) };
    },
  };
}
