import fs from 'node:fs';
import { logger } from '../log.ts';
import { cutPreview } from '../media/mp3/encode.ts';
import { scanFrames, type FrameScan } from '../media/mp3/frames.ts';
import type { AudioStorage } from './storage.ts';

const log = logger('preview');

/** Longest excerpt anyone hears before paying. */
export const PREVIEW_SEC = 30;

// A frame that does not borrow from the bit reservoir is looked for this far past the planned start.
const START_SEARCH_SEC = 8;

/** `<slot>/<take>.mp3` → `<slot>/<take>.preview.mp3`, the name the built-in engine also writes. */
export function previewPathOf(audioFile: string): string {
  return audioFile.replace(/(\.mp3)?$/i, '.preview.mp3');
}

/**
 * The stored preview of a take's full MP3, cutting it when it is not there yet. The built-in
 * engine renders its own preview beside the take; downloaded audio is cut here. Returns undefined
 * when the audio holds no MPEG frames: such a take has no preview rather than an uncut one.
 */
export async function ensurePreview(
  storage: AudioStorage,
  audioFile: string,
): Promise<string | undefined> {
  const previewFile = previewPathOf(audioFile);
  if (fs.existsSync(storage.resolve(previewFile))) return previewFile;
  try {
    const full = await fs.promises.readFile(storage.resolve(audioFile));
    await storage.write(previewFile, cutMp3Preview(full).mp3);
    return previewFile;
  } catch (err) {
    log.warn('no preview could be cut; the take stays silent before payment', {
      audioFile,
      error: String(err),
    });
    return undefined;
  }
}

/**
 * At most PREVIEW_SEC of a full MP3, starting a fifth of the way in (past most intros). MPEG-1
 * audio is cut and faded by cutPreview, which needs a first frame that does not borrow from the
 * bit reservoir; encoders other than the built-in one use the reservoir, so such a frame is looked
 * for nearby. Otherwise (none found, MPEG-2, CRC-protected frames) whole frames are copied unfaded,
 * and a decoder mutes the first one or two.
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
  return copyFrames(full, scan, first, count, frameSec);
}

function copyFrames(full: Buffer, scan: FrameScan, first: number, count: number, frameSec: number) {
  const picked = scan.frames.slice(first, first + count);
  const mp3 = Buffer.concat(picked.map((f) => full.subarray(f.offset, f.offset + f.length)));
  return { mp3, durationSec: picked.length * frameSec };
}
