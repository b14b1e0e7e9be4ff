import type { Config } from '../config.ts';

export interface Price {
  amountCents: number;
  currency: string;
  /** What the same package costs in credits instead. */
  credits: number;
}

/** The package price for a form of `songCount` songs; only ever from config, never from a request. */
export function priceFor(pricing: Config['pricing'], songCount: number): Price {
  const amountCents = pricing.centsBySongCount[songCount];
  if (amountCents === undefined) throw new Error(`no price configured for ${songCount} song(s)`);
  return { amountCents, currency: pricing.currency, credits: songCount * pricing.creditsPerSong };
}

/** `$49.00`, `€49.00`: for pages and product names. */
export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat('en', {
    style: 'currency',
    currency: currency.toUpperCase(),
  }).format(cents / 100);
}
