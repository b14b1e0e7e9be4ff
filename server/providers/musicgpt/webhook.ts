import { z } from 'zod';
import { isHttpLink } from '../../media/address.ts';

// MusicGPT sends up to seven unsigned webhooks per Music AI V2 task, in no promised order: one
// "music" and one "streaming" per take, one "lyrics" per take (not for instrumentals) and one
// album cover. Their shapes are MusicGPT's own samples (docs/providers.md, "Webhooks"); the
// parser still accepts extra fields, numbers sent as strings and empty strings, and never throws.
// A body that names a task but cannot be applied (the docs' generic sample, a music webhook
// without its take's id, a failure report) answers `confirm`: the caller asks byId instead.

/**
 * Where in the app MusicGPT's webhooks arrive, one URL per slot (`<route>/<slotId>?token=…`): the
 * address every submit gives MusicGPT, and the route that takes the deliveries.
 */
export const MUSICGPT_WEBHOOK_ROUTE = '/api/webhooks/musicgpt';

export type MusicGptWebhook =
  | {
      kind: 'music';
      taskId?: string;
      conversionId: string;
      audioUrl: string;
      wavUrl?: string;
      durationSec?: number;
      title?: string;
      lyrics?: string;
      lyricsTimestamped?: unknown;
      /** `album_cover_path`: the task's cover, also named by every music webhook. */
      coverUrl?: string;
      isFlagged?: boolean;
      flagReason?: string;
    }
  | {
      kind: 'lyrics';
      taskId?: string;
      conversionId?: string;
      lyrics?: string;
      lyricsTimestamped?: unknown;
    }
  | { kind: 'cover'; taskId?: string; imageUrl: string }
  /** A live HLS playlist for listening while the take is composed: never a take's audio. */
  | { kind: 'streaming'; taskId?: string; conversionId?: string; streamUrl?: string }
  /** Names a task but carries too little to apply; byId says what the task holds. */
  | { kind: 'confirm'; taskId: string; why: string }
  /** A delivery naming a link that is not http(s) (a file path, `local:`, `data:`…): never applied. */
  | { kind: 'refused'; reason: string }
  | { kind: 'unknown' };

const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

/** Ids and URLs: strings, or numbers turned into strings; anything else is dropped. */
const text = z
  .preprocess(
    (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : blankToUndefined(v)),
    z.string().optional(),
  )
  .catch(undefined);

/** The cover's `image_paths`/`thumbnail_paths`: the first usable link of the list. */
const firstText = z
  .preprocess(
    (v) => (Array.isArray(v) ? v.find((x) => typeof x === 'string' && x !== '') : v),
    text,
  )
  .catch(undefined);

/** Lyrics keep their exact text (an empty string is still lyrics). */
const lyricsText = z.string().optional().catch(undefined);

const number = z
  .preprocess((v) => {
    const b = blankToUndefined(v);
    return typeof b === 'string' ? Number(b.trim()) : b;
  }, z.number().optional())
  .catch(undefined);

const flag = z
  .preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean().optional())
  .catch(undefined);

const payload = z.looseObject({
  subtype: text,
  success: flag,
  status: text,
  task_id: text,
  conversion_id: text,
  conversion_path: text,
  conversion_path_wav: text,
  conversion_duration: number,
  // The docs' generic webhook sample names the audio link `audio_url`.
  audio_url: text,
  title: text,
  lyrics: lyricsText,
  lyrics_timestamped: z.unknown().optional(),
  album_cover_path: text,
  is_flagged: flag,
  reason: text,
  image_path: text,
  image_paths: firstText,
  thumbnail_path: text,
  thumbnail_paths: firstText,
  streaming_url: text,
});

/** Timestamped lyrics arrive as a JSON string; hand callers the decoded value. */
export function decodeMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

function withDefined<T extends Record<string, unknown>>(obj: T): T {
  for (const key of Object.keys(obj)) if (obj[key] === undefined) delete obj[key];
  return obj;
}

type Payload = z.output<typeof payload>;

/** What to say about a body that cannot be applied: confirm its task by byId, if it names one. */
function confirmOrUnknown(p: Payload, why: string): MusicGptWebhook {
  return p.task_id === undefined
    ? { kind: 'unknown' }
    : { kind: 'confirm', taskId: p.task_id, why };
}

/** The four documented subtypes; anything else is told apart by its fields. */
function kindOf(p: Payload, audioUrl: string | undefined, imageUrl: string | undefined) {
  switch (p.subtype?.toLowerCase()) {
    case 'music_ai':
      return 'music';
    case 'lyrics_timestamped':
      return 'lyrics';
    case 'audio_streaming':
      return 'streaming';
    case 'album_cover_generation':
      return 'cover';
  }
  if (audioUrl !== undefined) return 'music';
  if (p.streaming_url !== undefined) return 'streaming';
  if (imageUrl !== undefined) return 'cover';
  if (p.lyrics !== undefined || p.lyrics_timestamped !== undefined) return 'lyrics';
  return 'other';
}

export function parseMusicGptWebhook(body: unknown): MusicGptWebhook {
  let input = body;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      input = JSON.parse(typeof input === 'string' ? input : new TextDecoder().decode(input));
    } catch {
      return { kind: 'unknown' };
    }
  }
  const parsed = payload.safeParse(input);
  if (!parsed.success) return { kind: 'unknown' };
  const p = parsed.data;

  // No failure webhook is documented; whatever one says, byId's status decides.
  const state = p.status?.toUpperCase();
  if (p.success === false || state === 'FAILED' || state === 'ERROR') {
    return confirmOrUnknown(p, `the webhook reports a failure (${state ?? 'success: false'})`);
  }

  const audioField = p.conversion_path !== undefined ? 'conversion_path' : 'audio_url';
  const audioUrl = p.conversion_path ?? p.audio_url;
  // The cover's full image first; its thumbnail still beats no cover.
  const [imageField, imageUrl] = (
    [
      ['image_path', p.image_path],
      ['image_paths', p.image_paths],
      ['thumbnail_path', p.thumbnail_path],
      ['thumbnail_paths', p.thumbnail_paths],
    ] as const
  ).find(([, link]) => link !== undefined) ?? ['image_path', undefined];

  const links = {
    [audioField]: audioUrl,
    conversion_path_wav: p.conversion_path_wav,
    album_cover_path: p.album_cover_path,
    [imageField]: imageUrl,
    streaming_url: p.streaming_url,
  };
  for (const [field, link] of Object.entries(links)) {
    if (link !== undefined && !isHttpLink(link)) {
      return { kind: 'refused', reason: `${field} must be an http(s) link` };
    }
  }

  switch (kindOf(p, audioUrl, imageUrl)) {
    case 'music':
      // Without a conversion id the take cannot be told apart from its sibling.
      if (audioUrl === undefined || p.conversion_id === undefined) {
        return confirmOrUnknown(p, 'a finished song without its take’s audio link or id');
      }
      return withDefined({
        kind: 'music' as const,
        taskId: p.task_id,
        conversionId: p.conversion_id,
        audioUrl,
        wavUrl: p.conversion_path_wav,
        durationSec: p.conversion_duration,
        title: p.title,
        lyrics: p.lyrics,
        lyricsTimestamped: decodeMaybeJson(p.lyrics_timestamped),
        coverUrl: p.album_cover_path,
        isFlagged: p.is_flagged,
        flagReason: p.reason,
      });
    case 'streaming':
      return withDefined({
        kind: 'streaming' as const,
        taskId: p.task_id,
        conversionId: p.conversion_id,
        streamUrl: p.streaming_url,
      });
    case 'cover':
      if (imageUrl === undefined) return confirmOrUnknown(p, 'an album cover without its image');
      return withDefined({ kind: 'cover' as const, taskId: p.task_id, imageUrl });
    case 'lyrics':
      if (p.task_id === undefined && p.conversion_id === undefined) return { kind: 'unknown' };
      return withDefined({
        kind: 'lyrics' as const,
        taskId: p.task_id,
        conversionId: p.conversion_id,
        lyrics: p.lyrics,
        lyricsTimestamped: decodeMaybeJson(p.lyrics_timestamped),
      });
    default:
      return confirmOrUnknown(p, 'a webhook of no known shape');
  }
}
