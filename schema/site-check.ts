// The app's check of a SiteInfo answer without zod: Home reads it while the page loads, and zod
// alone would be a tenth of the JavaScript a phone fetches before Home shows. The zod schema in
// site.ts stays the documented shape (OpenAPI, the server); tests/unit/site.check.test.ts checks
// that the two agree.
import { MAX_SONGS } from './draft-fields.ts';

/** A sample song as site.ts's zod schema reads it (site.ts checks at compile time they match). */
export interface SampleSong {
  id: string;
  title: string;
  occasion: string;
  style: string;
  lyricsExcerpt: string[];
  audioUrl: string;
  durationSeconds?: number;
}

/** The installation's facts as site.ts's zod schema reads them (checked there at compile time). */
export interface SiteInfo {
  syncUrl: string | null;
  provider: 'local' | 'musicgpt';
  payments: 'stripe' | 'demo';
  sings: boolean;
  pricing: { currency: string; bySongCount: number[]; shown?: string[] };
  samples: SampleSong[];
  receiptEmails?: boolean;
}

/** Most lyric lines a sample's card shows (site.ts's SAMPLE_EXCERPT_LINES, without zod). */
export const SAMPLE_EXCERPT_LINES = 4;

/** The id of the JSON the server writes into the app's shell (read before any request). */
export const SITE_INFO_ELEMENT = 'site-info';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isPositiveInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

const isString = (v: unknown): v is string => typeof v === 'string';

/** Every element, holes of a sparse array included (they read as undefined, as JSON has none). */
const everyOne = (list: unknown[], test: (v: unknown) => boolean) => Array.from(list).every(test);

function readSample(value: unknown): SampleSong | undefined {
  if (!isRecord(value)) return undefined;
  const { id, title, occasion, style, lyricsExcerpt, audioUrl, durationSeconds } = value;
  if (![id, title, occasion, style, audioUrl].every(isString)) return undefined;
  if (!Array.isArray(lyricsExcerpt) || lyricsExcerpt.length > SAMPLE_EXCERPT_LINES)
    return undefined;
  if (!everyOne(lyricsExcerpt, isString)) return undefined;
  if (
    durationSeconds !== undefined &&
    !(typeof durationSeconds === 'number' && durationSeconds > 0)
  )
    return undefined;
  return {
    id: id as string,
    title: title as string,
    occasion: occasion as string,
    style: style as string,
    lyricsExcerpt: lyricsExcerpt as string[],
    audioUrl: audioUrl as string,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
  };
}

/** The answer as a SiteInfo (unknown keys dropped), or undefined when it is not one. */
export function readSiteInfo(value: unknown): SiteInfo | undefined {
  if (!isRecord(value) || !isRecord(value.pricing)) return undefined;
  const { syncUrl, provider, payments, sings, pricing, samples = [], receiptEmails } = value;
  if (syncUrl !== null && typeof syncUrl !== 'string') return undefined;
  if (provider !== 'local' && provider !== 'musicgpt') return undefined;
  if (payments !== 'stripe' && payments !== 'demo') return undefined;
  if (typeof sings !== 'boolean') return undefined;
  if (receiptEmails !== undefined && typeof receiptEmails !== 'boolean') return undefined;
  const { currency, bySongCount, shown } = pricing;
  if (typeof currency !== 'string') return undefined;
  if (!Array.isArray(bySongCount) || bySongCount.length !== MAX_SONGS) return undefined;
  if (!everyOne(bySongCount, isPositiveInt)) return undefined;
  if (shown !== undefined) {
    if (!Array.isArray(shown) || shown.length !== MAX_SONGS) return undefined;
    if (!everyOne(shown, (s) => typeof s === 'string' && s.length >= 1 && s.length <= 40))
      return undefined;
  }
  // An answer kept before samples existed has none, and reads as none (as site.ts's default).
  if (!Array.isArray(samples)) return undefined;
  const sampleSongs = Array.from(samples as unknown[], readSample);
  if (sampleSongs.some((sample) => sample === undefined)) return undefined;
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
    samples: sampleSongs as SampleSong[],
    ...(receiptEmails === undefined ? {} : { receiptEmails }),
  };
}

/** "0:30", "2:45": a length as players show it. */
const clock = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;

/**
 * What a sample's card says, worded once: the app renders the cards and the server writes the
 * same words into the painted first visit (server/http/shell.ts), which the app then adopts as is.
 */
export function sampleWords(sample: SampleSong) {
  return {
    meta: sample.durationSeconds
      ? `${sample.style} · ${clock(sample.durationSeconds)}`
      : sample.style,
    label: `Play the sample “${sample.title}”`,
  };
}

/** The line under "Hear a sample": an engine that plays rather than sings says so. */
export function samplesHint(sings: boolean) {
  return sings
    ? 'Each was made here from a few lines about someone, as yours will be.'
    : 'Each was made here from a few lines about someone, as yours will be. The tune is played on instruments rather than sung; the words below go with it.';
}
