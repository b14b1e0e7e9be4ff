import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import type { Config } from '../config.ts';
import { logger } from '../log.ts';
import type { Order } from './orders.ts';

const log = logger('checkout');

export type OpenResult =
  | { kind: 'opened'; sessionId: string; url: string; expiresAt?: Date }
  | { kind: 'failed'; reason: string; status?: number };

/** Where a person pays: Stripe Checkout, or the local demo page when no key is set. */
export interface CheckoutGateway {
  readonly method: 'stripe' | 'demo';
  /** Opens the one Checkout Session of an order. Never throws for provider trouble. */
  open(order: Order): Promise<OpenResult>;
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

export function formUrl(config: Config, formId: string): string {
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

export function stripeGateway(config: Config, stripe: Stripe): CheckoutGateway {
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
  };
}

/** Sessions of the demo checkout: named after the order, so a repeat names the same session. */
export function demoGateway(config: Config): CheckoutGateway {
  return {
    method: 'demo',
    async open(order) {
      const sessionId = `cs_demo_${createHash('sha256').update(order.id).digest('hex').slice(0, 32)}`;
      return { kind: 'opened', sessionId, url: `${config.publicUrl}/demo-checkout/${sessionId}` };
    },
  };
}
