import { z } from './zod.ts';
import { MAX_SONGS } from './draft.ts';

/**
 * What this installation offers, as `GET /api/config` answers it. The app keeps the last answer,
 * so a phone that starts offline still knows whether songs are sung.
 */
export const SiteInfo = z.object({
  /** Null means "this origin's /zero": Zero's socket comes through the app's own port. */
  syncUrl: z.string().nullable(),
  provider: z.enum(['local', 'musicgpt']),
  payments: z.enum(['stripe', 'demo']),
  /**
   * Whether the music provider sings the lyrics. The built-in engine does not: its tune is
   * played by an instrument, so the form offers no choice of voice and says so.
   */
  sings: z.boolean(),
  /**
   * What a package costs, so every screen can say it before checkout: `bySongCount[n - 1]` for n
   * songs, in the currency's smallest unit (what checkout charges, never more).
   */
  pricing: z.object({
    currency: z.string(),
    bySongCount: z.array(z.number().int().positive()).length(MAX_SONGS),
    /**
     * The same prices written out for the reader ("$49.00", "49,00 $"), by the server's
     * formatMoney in the language the request asked for; absent from answers kept by older apps.
     */
    shown: z.array(z.string().min(1).max(40)).length(MAX_SONGS).optional(),
  }),
});
export type SiteInfo = z.infer<typeof SiteInfo>;
