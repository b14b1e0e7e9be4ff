import { z } from './zod.ts';
import { MAX_SONGS } from './draft.ts';

import {
  SAMPLE_EXCERPT_LINES,
  type SampleSong as PlainSampleSong,
  type SiteInfo as PlainSiteInfo,
} from './site-check.ts';

export { SAMPLE_EXCERPT_LINES };

/**
 * A song this installation's music provider made, to hear on Home before asking for one: with
 * the built-in engine one it renders itself from a fixed brief, with MusicGPT one the operator
 * put beside the server (docs/configuration.md).
 */
export const SampleSong = z.object({
  id: z.string(),
  title: z.string(),
  /** Who it was made for and why, as a person reads it: "For a grandmother's 80th birthday". */
  occasion: z.string(),
  /** How it sounds: "Warm & tender · acoustic folk". */
  style: z.string(),
  /** A couple of its lines, as its card shows them. */
  lyricsExcerpt: z.array(z.string()).max(SAMPLE_EXCERPT_LINES),
  /** Where it plays from: always this server (the page may play media from its own origin only). */
  audioUrl: z.string(),
  /** Seconds of what plays, when known. */
  durationSeconds: z.number().positive().optional(),
});
export type SampleSong = z.infer<typeof SampleSong>;

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
  /**
   * Songs to hear on Home, made by this installation's music provider; none when it has none to
   * show. An answer kept before samples existed has no such field and reads as none.
   */
  samples: z.array(SampleSong).default([]),
  /**
   * Whether receipts are emailed to the address a buyer gives (SMTP_URL is set); absent from
   * answers kept by older apps, which then say nothing about email.
   */
  receiptEmails: z.boolean().optional(),
});
export type SiteInfo = z.infer<typeof SiteInfo>;

// The app reads the answer with site-check.ts, without zod: the two shapes must be one.
({}) as SiteInfo satisfies PlainSiteInfo;
({}) as PlainSiteInfo satisfies SiteInfo;
({}) as SampleSong satisfies PlainSampleSong;
({}) as PlainSampleSong satisfies SampleSong;
