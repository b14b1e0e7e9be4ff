import type { Config } from '../config.ts';

export interface Price {
  /** In the currency's smallest unit, as Stripe's `amount` (cents, or whole yen). */
  amountCents: number;
  currency: string;
  /** What the same package costs in credits instead. */
  credits: number;
}

/** The package price for a form of `songCount` songs; only ever from config, never from a request. */
export function priceFor(pricing: Config['pricing'], songCount: number): Price {
  const amountCents = pricing.bySongCount[songCount];
  if (amountCents === undefined) throw new Error(`no price configured for ${songCount} song(s)`);
  return { amountCents, currency: pricing.currency, credits: songCount * pricing.creditsPerSong };
}
