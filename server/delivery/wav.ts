import type { Sql } from 'postgres';
import type { AudioStorage } from '../audio/storage.ts';
import { logger } from '../log.ts';
import { MediaRefused } from '../media/address.ts';
import type { UnlockedTake } from './unlocked.ts';

const log = logger('delivery');

/**
 * The stored WAV of a paid take. Providers hand WAVs out as links that may not last, and most
 * people never ask for one, so it is fetched into storage the first time someone downloads it,
 * under the media policy and only if it really is a WAV. A refused link means there is no WAV.
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
  await sql`update takes set wav_file = ${relative}, updated_at = now() where id = ${take.take_id} and wav_file is null`;
  return relative;
}
