import fs from 'node:fs';
import { logger } from '../log.ts';
import { cutMp3Preview } from '../media/mp3/preview.ts';
import type { AudioStorage } from './storage.ts';

const log = logger('preview');

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
