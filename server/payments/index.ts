import type { Sql } from 'postgres';
import type { Config } from '../config.ts';
import { Checkout } from './checkout.ts';
import { demoGateway, stripeClient, stripeGateway } from './gateway.ts';
import { webhookSecretFor } from './webhook.ts';

export interface Payments {
  checkout: Checkout;
  /** What POST /api/webhooks/stripe verifies signatures with (the demo's own when keyless). */
  webhookSecret: string;
}

/** Stripe when STRIPE_SECRET_KEY is set, else the demo checkout; both end in the same webhook. */
export function createPayments(sql: Sql, config: Config, authSecret: Uint8Array): Payments {
  const gateway =
    config.payments === 'stripe'
      ? stripeGateway(config, stripeClient(config.stripe))
      : demoGateway(config);
  return {
    checkout: new Checkout(sql, config, gateway),
    webhookSecret: webhookSecretFor(config, authSecret),
  };
}
