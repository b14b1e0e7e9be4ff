import { formatMoney } from '../schema/currency.ts';
import { MAX_SONGS } from '../schema/draft-fields.ts';
import type { SiteInfo } from '../schema/site.ts';
import type { Config } from './config.ts';
import { priceFor } from './payments/price.ts';

/** What `GET /api/config` and the app's shell tell a device about this installation. */
export interface SiteFacts {
  config: Pick<Config, 'zeroPublicUrl' | 'provider' | 'payments' | 'pricing'>;
  sings: boolean;
}

/**
 * The reader's language from an Accept-Language header, if this server can format money in it:
 * "fr-CH,fr;q=0.9" → "fr-CH". Unknown or malformed tags fall back to the next, then to none.
 */
export function readerLocale(acceptLanguage: string | undefined): string | undefined {
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((t) => t.tag && t.tag !== '*' && t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      // A tag Intl cannot parse ("x y", "en_US") names no language: try the next one.
    }
  }
  return undefined;
}

/**
 * The installation's facts for one reader. Prices come in minor units (what checkout charges) and
 * already written out in the reader's language, so Home can show them without building a currency
 * formatter on the phone's main thread while the page is still loading (the first one costs tens of
 * milliseconds of ICU setup on a mid-range phone).
 */
export function siteInfo(facts: SiteFacts, locale?: string): SiteInfo {
  const { config } = facts;
  const bySongCount = Array.from(
    { length: MAX_SONGS },
    (_, i) => priceFor(config.pricing, i + 1).amountCents,
  );
  return {
    syncUrl: config.zeroPublicUrl ?? null,
    provider: config.provider,
    payments: config.payments,
    sings: facts.sings,
    pricing: {
      currency: config.pricing.currency,
      bySongCount,
      shown: bySongCount.map((amount) => formatMoney(amount, config.pricing.currency, locale)),
    },
  };
}
