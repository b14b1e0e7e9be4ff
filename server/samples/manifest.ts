import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { isMp3 } from '../media/sniff.ts';
import { scanFrames } from '../media/mp3/frames.ts';
import { lyricsExcerpt } from './excerpt.ts';

// The samples an operator on MusicGPT puts beside the server: songs MusicGPT made, listed in
// `$DATA_DIR/samples/samples.json`, their MP3s in the same folder (docs/configuration.md). The
// server never makes these itself: a song the built-in engine made is not what a MusicGPT
// customer gets, so without this file Home lists no samples at all.

export const MANIFEST_FILE = 'samples.json';

/** Most samples Home lists: a few cards, not a catalogue. */
export const MAX_SAMPLES = 6;

const Entry = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'use lowercase letters, digits and dashes (at most 48)'),
  title: z.string().trim().min(1).max(80),
  occasion: z.string().trim().min(1).max(120),
  style: z.string().trim().min(1).max(80),
  file: z
    .string()
    .regex(/^\w[\w.-]*\.mp3$/i, 'name an .mp3 file in the samples folder itself, no path'),
  lyrics: z.string().max(5000).optional(),
});

/** `samples.json`: `{"samples": [{id, title, occasion, style, file, lyrics?}]}`. */
export const SampleManifest = z.object({
  samples: z
    .array(Entry)
    .max(MAX_SAMPLES)
    .refine((all) => new Set(all.map((s) => s.id)).size === all.length, 'two samples share an id'),
});
export type SampleManifest = z.infer<typeof SampleManifest>;

/** A listed sample whose file was found and is an MP3. */
export interface ProvidedSample {
  id: string;
  title: string;
  occasion: string;
  style: string;
  lyricsExcerpt: string[];
  /** Absolute path of its MP3. */
  file: string;
  durationSeconds: number;
  /** Changes when its file does: a new file gets a new URL, so no browser keeps the old one. */
  version: string;
}

export type ManifestRead =
  | { kind: 'absent' }
  | { kind: 'invalid'; why: string }
  | { kind: 'read'; samples: ProvidedSample[] };

/**
 * The samples `dir`'s manifest lists. Anything wrong with it (not JSON, not the shape above, a
 * file missing, too big or not an MP3) makes it invalid as a whole, with the reason: the operator
 * gets one line to fix, and Home never shows half a list.
 */
export async function readManifest(dir: string, maxBytes: number): Promise<ManifestRead> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'invalid', why: `it cannot be read: ${(err as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', why: `it is not JSON: ${(err as Error).message}` };
  }
  const parsed = SampleManifest.safeParse(json);
  if (!parsed.success) return { kind: 'invalid', why: z.prettifyError(parsed.error) };
  const samples: ProvidedSample[] = [];
  for (const entry of parsed.data.samples) {
    const file = path.join(dir, entry.file);
    const audio = await readAudio(file, maxBytes);
    if (typeof audio === 'string') return { kind: 'invalid', why: `${entry.file} ${audio}` };
    samples.push({
      id: entry.id,
      title: entry.title,
      occasion: entry.occasion,
      style: entry.style,
      lyricsExcerpt: entry.lyrics ? lyricsExcerpt(entry.lyrics) : [],
      file,
      durationSeconds: audio.durationSeconds,
      version: audio.version,
    });
  }
  return { kind: 'read', samples };
}

/** A sample's MP3: its length and version, or what is wrong with it. */
async function readAudio(
  file: string,
  maxBytes: number,
): Promise<{ durationSeconds: number; version: string } | string> {
  let bytes: Buffer;
  try {
    const { size } = await fs.stat(file);
    if (size > maxBytes) return `is larger than MAX_AUDIO_BYTES (${maxBytes} bytes)`;
    bytes = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'is not in the samples folder';
    return `cannot be read: ${(err as Error).message}`;
  }
  const frames = isMp3(bytes) ? scanFrames(bytes) : undefined;
  if (!frames) return 'is not an MP3';
  const durationSeconds =
    Math.round(((frames.frames.length * frames.samplesPerFrame) / frames.sampleRate) * 10) / 10;
  const version = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return { durationSeconds, version };
}
