// The built-in engine's preview: about 30 seconds of the master from one bar before the first
// chorus, faded in and out, encoded as its own MP3. Cutting it from the take's frames is not an
// option: the encoder's bit reservoir makes each frame borrow from the ones before it.

import { encodeMp3, MP3_KBPS } from '../media/mp3/encode.ts';
import { PREVIEW_SEC } from '../media/mp3/preview.ts';

export const PREVIEW_FADE_IN_SEC = 0.5;
export const PREVIEW_FADE_OUT_SEC = 3;

export interface PreviewFile {
  mp3: Buffer;
  /** Where in the take it starts (s). */
  startSec: number;
  /** Of the audio encoded (the file's frames round it up by a few milliseconds). */
  durationSec: number;
}

/**
 * The preview of a stereo master. A preview that starts at the top keeps the take's own
 * opening; one that starts later fades in so it does not open mid-note.
 */
export async function encodePreview(
  channels: readonly Float32Array[],
  o: { sampleRate: 44100; startSec: number; title: string },
): Promise<PreviewFile> {
  const total = channels[0]?.length ?? 0;
  const length = Math.min(total, Math.round(PREVIEW_SEC * o.sampleRate));
  const start = Math.max(0, Math.min(total - length, Math.round(o.startSec * o.sampleRate)));
  const fadeIn = start > 0 ? Math.round(PREVIEW_FADE_IN_SEC * o.sampleRate) : 0;
  const fadeOut = Math.min(length, Math.round(PREVIEW_FADE_OUT_SEC * o.sampleRate));
  const excerpt = channels.map((x) => {
    const y = x.slice(start, start + length);
    for (let i = 0; i < fadeIn; i++) y[i] = (y[i] as number) * curve(i / fadeIn);
    for (let i = 0; i < fadeOut; i++) {
      const j = length - 1 - i;
      y[j] = (y[j] as number) * curve(i / fadeOut);
    }
    return y;
  });
  const mp3 = await encodeMp3(excerpt, {
    sampleRate: o.sampleRate,
    kbps: MP3_KBPS,
    title: o.title,
  });
  return { mp3, startSec: start / o.sampleRate, durationSec: length / o.sampleRate };
}

/** Gain at a fade position (0 silent .. 1 full): a squared sine, smooth at both ends. */
function curve(position: number): number {
  return Math.sin((position * Math.PI) / 2) ** 2;
}
