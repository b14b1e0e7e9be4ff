import { z } from 'zod';
import { isHttpLink } from '../media/address.ts';

// MusicGPT sends several unsigned webhooks per MusicAI task, in no promised order: one "music" per
// take, one "lyrics" per take (not for instrumentals) and one album cover. The payload shapes
// below come from third-party handlers (see docs/providers.md), not from MusicGPT's own examples,
// so the parser accepts extra fields, numbers sent as strings and empty strings, and answers
// `unknown` instead of throwing; the caller can always confirm a task by polling byId.

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
    }
  | {
      kind: 'lyrics';
      taskId?: string;
      conversionId?: string;
      lyrics?: string;
      lyricsTimestamped?: unknown;
    }
  | { kind: 'cover'; taskId?: string; imageUrl: string }
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
  image_path: text,
});

/** Timestamped lyrics arrive as a JSON string in the wild; hand callers the decoded value. */
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

  const state = p.status?.toUpperCase();
  if (p.success === false || state === 'FAILED' || state === 'ERROR') return { kind: 'unknown' };

  const subtype = p.subtype?.toLowerCase();
  const audioUrl = p.conversion_path ?? p.audio_url;

  const links = {
    [p.conversion_path !== undefined ? 'conversion_path' : 'audio_url']: audioUrl,
    conversion_path_wav: p.conversion_path_wav,
    image_path: p.image_path,
  };
  for (const [field, link] of Object.entries(links)) {
    if (link !== undefined && !isHttpLink(link)) {
      return { kind: 'refused', reason: `${field} must be an http(s) link` };
    }
  }

  if (
    subtype === 'album_cover_generation' ||
    (p.image_path !== undefined && audioUrl === undefined)
  ) {
    return p.image_path === undefined
      ? { kind: 'unknown' }
      : withDefined({ kind: 'cover' as const, taskId: p.task_id, imageUrl: p.image_path });
  }

  const lyricsTimestamped = decodeMaybeJson(p.lyrics_timestamped);

  if (audioUrl !== undefined && subtype !== 'lyrics_timestamped') {
    // Without a conversion id the take cannot be told apart from its sibling.
    if (p.conversion_id === undefined) return { kind: 'unknown' };
    return withDefined({
      kind: 'music' as const,
      taskId: p.task_id,
      conversionId: p.conversion_id,
      audioUrl,
      wavUrl: p.conversion_path_wav,
      durationSec: p.conversion_duration,
      title: p.title,
      lyrics: p.lyrics,
    });
  }

  if (
    subtype === 'lyrics_timestamped' ||
    p.lyrics !== undefined ||
    lyricsTimestamped !== undefined
  ) {
    if (p.task_id === undefined && p.conversion_id === undefined) return { kind: 'unknown' };
    return withDefined({
      kind: 'lyrics' as const,
      taskId: p.task_id,
      conversionId: p.conversion_id,
      lyrics: p.lyrics,
      lyricsTimestamped,
    });
  }

  return { kind: 'unknown' };
}
