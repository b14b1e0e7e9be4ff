// Previews of downloaded takes: an excerpt cut from the take's own frames, without encoding again
// (the source PCM is not at hand). A cut can only start on a frame that does not borrow from the
// bit reservoir; it is faded by lowering each granule's global_gain (1.5 dB per step), the same
// lossless trick mp3gain uses, and otherwise copied as whole frames unfaded. The built-in engine
// encodes its previews from the master instead (server/engine/preview.ts).

import { logger } from '../../log.ts';
import { id3Tag } from './id3.ts';
import { MPEG1_SAMPLES_PER_FRAME, parseMp3, scanFrames, type Frame } from './frames.ts';

const log = logger('preview');

/** Longest excerpt anyone hears before paying. */
export const PREVIEW_SEC = 30;

// A frame that does not borrow from the bit reservoir is looked for this far past the planned start.
const START_SEARCH_SEC = 8;

/**
 * The bytes of `frames` back to back, and the frames as they now lie in them. Both cutters copy
 * frames through this, so a cut frame is the take's frame byte for byte until it is faded.
 */
function joinFrames(buf: Uint8Array, frames: readonly Frame[]): { bytes: Buffer; frames: Frame[] } {
  const bytes = Buffer.concat(frames.map((f) => buf.subarray(f.offset, f.offset + f.length)));
  let at = 0;
  const moved = frames.map((f) => {
    const frame = { ...f, offset: at };
    at += f.length;
    return frame;
  });
  return { bytes, frames: moved };
}

function readBits(buf: Uint8Array, bit: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const b = bit + i;
    v = (v << 1) | (((buf[b >> 3] as number) >> (7 - (b & 7))) & 1);
  }
  return v;
}

function writeBits(buf: Uint8Array, bit: number, count: number, value: number): void {
  for (let i = 0; i < count; i++) {
    const b = bit + i;
    const mask = 1 << (7 - (b & 7));
    const on = (value >> (count - 1 - i)) & 1;
    buf[b >> 3] = on ? (buf[b >> 3] as number) | mask : (buf[b >> 3] as number) & ~mask;
  }
}

/** Lowers every granule's global_gain in a frame by `steps` (1.5 dB each), in place. */
function attenuateFrame(buf: Uint8Array, frame: Frame, steps: number): void {
  if (steps <= 0) return;
  const sideBit = (frame.offset + 4 + (frame.isProtected ? 2 : 0)) * 8;
  const granulesAt = sideBit + (frame.channels === 1 ? 18 : 20);
  for (let gr = 0; gr < 2; gr++) {
    for (let ch = 0; ch < frame.channels; ch++) {
      const at = granulesAt + (gr * frame.channels + ch) * 59 + 21;
      const gain = readBits(buf, at, 8);
      writeBits(buf, at, 8, Math.max(0, gain - steps));
    }
  }
}

export interface PreviewOptions {
  startSec: number;
  lengthSec: number;
  fadeInSec: number;
  fadeOutSec: number;
  title?: string;
}

/** Cuts a faded excerpt out of an encoded take, frame-exact, without re-encoding. */
export function cutPreview(
  full: Uint8Array,
  o: PreviewOptions,
): { mp3: Buffer; durationSec: number } {
  const info = parseMp3(full);
  const frameSec = MPEG1_SAMPLES_PER_FRAME / info.sampleRate;
  const total = info.frames.length;
  const count = Math.min(total, Math.max(1, Math.round(o.lengthSec / frameSec)));
  const first = Math.max(0, Math.min(total - count, Math.round(o.startSec / frameSec)));
  const picked = info.frames.slice(first, first + count);
  if (picked.some((f) => f.isProtected))
    throw new Error('CRC-protected frames cannot be re-gained');
  if ((picked[0]?.mainDataBegin ?? 0) !== 0)
    throw new Error('first preview frame depends on the bit reservoir');

  const { bytes: body, frames: moved } = joinFrames(full, picked);
  // Fades in dB: a frame's gain drops in 1.5 dB steps; -90 dB is silence for this material.
  const fadeInFrames = first === 0 ? 0 : Math.max(1, Math.round(o.fadeInSec / frameSec));
  const fadeOutFrames = Math.min(count, Math.max(1, Math.round(o.fadeOutSec / frameSec)));
  moved.forEach((f, i) => {
    let db = 0;
    if (i < fadeInFrames) db = Math.max(db, curveDb((i + 0.5) / fadeInFrames));
    const fromEnd = count - i;
    if (fromEnd <= fadeOutFrames) db = Math.max(db, curveDb((fromEnd - 0.5) / fadeOutFrames));
    attenuateFrame(body, f, Math.round(db / 1.5));
  });
  const tag = o.title ? id3Tag(o.title) : new Uint8Array(0);
  return { mp3: Buffer.concat([tag, body]), durationSec: count * frameSec };
}

/** Attenuation for a fade position (0 silent .. 1 full), following a squared-sine gain curve. */
function curveDb(position: number): number {
  const p = Math.min(1, Math.max(0, position));
  const g = Math.sin((p * Math.PI) / 2) ** 2;
  return g <= 1e-4 ? 90 : Math.min(90, -20 * Math.log10(g));
}

/**
 * At most PREVIEW_SEC of a downloaded take's MP3, starting a fifth of the way in (past most
 * intros). MPEG-1 audio is cut and faded by cutPreview, which needs a first frame that does not
 * borrow from the bit reservoir; encoders other than the built-in one use the reservoir, so such a
 * frame is looked for nearby. Otherwise (none found, MPEG-2, CRC-protected frames, anything the
 * strict parse refuses) whole frames are copied unfaded, and a decoder mutes the first one or two.
 */
export function cutMp3Preview(full: Buffer): { mp3: Buffer; durationSec: number } {
  const scan = scanFrames(full);
  if (!scan || scan.frames.length === 0) throw new Error('no MPEG audio frames');
  const total = scan.frames.length;
  const frameSec = scan.samplesPerFrame / scan.sampleRate;
  const count = Math.min(total, Math.max(1, Math.floor(PREVIEW_SEC / frameSec)));
  const first = Math.min(total - count, Math.round(total * 0.2));
  if (scan.isMpeg1) {
    const last = Math.min(total - count, first + Math.round(START_SEARCH_SEC / frameSec));
    let start = first;
    while (start <= last && scan.frames[start]!.mainDataBegin !== 0) start++;
    if (start <= last) {
      try {
        // The frames alone, without tags or trailing bytes, are what cutPreview parses.
        const audio = full.subarray(scan.start, scan.end);
        return cutPreview(audio, {
          startSec: start * frameSec,
          lengthSec: count * frameSec,
          fadeInSec: 0.5,
          fadeOutSec: 3,
        });
      } catch (err) {
        log.debug('preview copied unfaded', { error: String(err) });
      }
    }
  }
  const picked = scan.frames.slice(first, first + count);
  return { mp3: joinFrames(full, picked).bytes, durationSec: picked.length * frameSec };
}
