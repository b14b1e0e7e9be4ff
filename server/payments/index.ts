import type { Sql } from 'postgres';
import type { Config } from '../config.ts';
import { Checkout } from './checkout.ts';
import { demoGateway, stripeClient, stripeGateway } from './gateway.ts';
import { Settlement } from './settlement.ts';
import { webhookSecretFor } from './receipt.ts';

export interface Payments {
  checkout: Checkout;
  /** What POST /api/webhooks/stripe verifies signatures with (the demo's own when keyless). */
  webhookSecret: string;
  /** Refunds and closed checkouts, after each payment and by a sweep (start/stop). */
  settlement: Settlement;
}

/** Stripe when STRIPE_SECRET_KEY is set, else the demo checkout; both end in the same webhook. */
export function createPayments(
  sql: Sql,
  config: Pick<Config, 'payments' | 'stripe' | 'pricing' | 'publicUrl'>,
  authSecret: Uint8Array,
): Payments {
  const demo = demoGateway(config);
  const gateway =
    config.payments === 'stripe' ? stripeGateway(config, stripeClient(config.stripe)) : demo;
  // Demo orders left from before a Stripe key was set are still settled: they need no call.
  const settlement = new Settlement(sql, { demo, [gateway.method]: gateway });
  return {
    checkout: new Checkout(sql, config, gateway, settlement),
    webhookSecret: webhookSecretFor(config, authSecret),
    settlement,
  };
}
