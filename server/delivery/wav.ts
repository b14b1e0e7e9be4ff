import type { Sql } from 'postgres';
import type { AudioStorage } from '../audio/storage.ts';
import { logger } from '../log.ts';
import { MediaRefused } from '../media/address.ts';
import { storeWav } from '../slots/outcome.ts';
import type { UnlockedTake } from './unlocked.ts';

const log = logger('delivery');

/**
 * The stored WAV of a paid take. WAVs are kept when the take arrives (server/slots/intake.ts
 * `keepWavs`), since providers delete theirs within days; this fetches one that is still missing
 * (a take from before that, a download that kept failing), under the media policy and only if it
 * really is a WAV. A refused link means there is no WAV.
 */
export async function ensureWav(
  sql: Sql,
  storage: AudioStorage,
  take: UnlockedTake,
): Promise<string | undefined> {
  if (take.wav_file) return take.wav_file;
  if (!take.remote_wav_url) return undefined;
  const relative = `${take.slot_id}/${take.take_id}.wav`;
  try {
    await storage.download(take.remote_wav_url, relative, 'wav');
  } catch (err) {
    if (!(err instanceof MediaRefused)) throw err;
    log.warn('refused the WAV of a paid take; nothing was stored', {
      takeId: take.take_id,
      why: err.message,
    });
    return undefined;
  }
  await storeWav(sql, take.take_id, relative);
  return relative;
}
