import { formatMoney } from '../schema/currency.ts';
import { MAX_SONGS } from '../schema/draft-fields.ts';
import type { SampleSong, SiteInfo } from '../schema/site.ts';
import type { Config } from './config.ts';
import { priceFor } from './payments/price.ts';

/** What `GET /api/config` and the app's shell tell a device about this installation. */
export interface SiteFacts {
  config: Pick<Config, 'zeroPublicUrl' | 'provider' | 'payments' | 'pricing' | 'mail'>;
  sings: boolean;
  /** Songs to hear on Home (server/samples/). */
  samples: SampleSong[];
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
    samples: facts.samples,
    receiptEmails: config.mail !== undefined,
  };
}
