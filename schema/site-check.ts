// The app's check of a SiteInfo answer without zod: Home reads it while the page loads, and zod
// alone would be a tenth of the JavaScript a phone fetches before Home shows. The zod schema in
// site.ts stays the documented shape (OpenAPI, the server); tests/unit/site.check.test.ts checks
// that the two agree.
import { MAX_SONGS } from './draft-fields.ts';
import type { SiteInfo } from './site.ts';

/** The id of the JSON the server writes into the app's shell (read before any request). */
export const SITE_INFO_ELEMENT = 'site-info';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isPositiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** The answer as a SiteInfo (unknown keys dropped), or undefined when it is not one. */
export function readSiteInfo(value: unknown): SiteInfo | undefined {
  if (!isRecord(value) || !isRecord(value.pricing)) return undefined;
  const { syncUrl, provider, payments, sings, pricing } = value;
  if (syncUrl !== null && typeof syncUrl !== 'string') return undefined;
  if (provider !== 'local' && provider !== 'musicgpt') return undefined;
  if (payments !== 'stripe' && payments !== 'demo') return undefined;
  if (typeof sings !== 'boolean') return undefined;
  const { currency, bySongCount, shown } = pricing;
  if (typeof currency !== 'string') return undefined;
  if (!Array.isArray(bySongCount) || bySongCount.length !== MAX_SONGS) return undefined;
  if (!bySongCount.every(isPositiveInt)) return undefined;
  if (shown !== undefined) {
    if (!Array.isArray(shown) || shown.length !== MAX_SONGS) return undefined;
    if (!shown.every((s) => typeof s === 'string' && s.length >= 1 && s.length <= 40))
      return undefined;
  }
  return {
    syncUrl,
    provider,
    payments,
    sings,
    pricing: {
      currency,
      bySongCount: bySongCount as number[],
      ...(shown === undefined ? {} : { shown: shown as string[] }),
    },
  };
}
