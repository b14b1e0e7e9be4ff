import { Hono } from 'hono';
import { attachment, sendFile } from '../audio/send.ts';
import type { AudioStorage } from '../audio/storage.ts';
import { Refusal } from '../errors.ts';
import { requireOwner } from '../http/auth.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { uuidParam } from '../http/request.ts';
import { logger } from '../log.ts';
import { DOWNLOAD_TTL_MS, type DownloadKind, type DownloadLinks } from './links.ts';
import { unlockedTake, unlockedTakesOf, type UnlockedTake } from './unlocked.ts';
import { ensureWav } from './wav.ts';
import { requireOwnForm } from '../ownership.ts';

const log = logger('delivery');

const titleOf = (take: UnlockedTake) => take.title?.trim() || `Song ${take.song_index + 1}`;

// Characters no file system or browser accepts in a saved name.
const fileName = (take: UnlockedTake, suffix: string) =>
  `${titleOf(take)
    .replace(/[\\/:*?"<>|\x00-\x1f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120)}${suffix}`;

/**
 * GET /api/forms/:formId/downloads — for a paid form, short-lived links to each unlocked take's
 * full MP3, its WAV when the provider made one, and its lyrics. 402 before payment.
 */
export function downloadListRoutes(deps: RouteDeps<'sql' | 'tokens'>, links: DownloadLinks) {
  return new Hono<AppEnv>().get('/:formId/downloads', requireOwner(deps), async (c) => {
    const formId = uuidParam(c, 'formId');
    const [form] = await deps.sql<
      { owner_id: string }[]
    >`select owner_id from forms where id = ${formId}`;
    requireOwnForm(form, c.get('ownerId'), formId);
    const takes = await unlockedTakesOf(deps.sql, formId);
    if (takes.length === 0) {
      throw new Refusal(
        'payment_required',
        `these songs are not paid for yet; start with POST /api/forms/${formId}/checkout`,
      );
    }
    const expiresAt = links.now() + DOWNLOAD_TTL_MS;
    c.header('cache-control', 'no-store');
    return c.json({
      formId: formId,
      expiresAt: new Date(expiresAt).toISOString(),
      songs: takes.map((t) => ({
        songIndex: t.song_index,
        takeId: t.take_id,
        orderId: t.order_id,
        title: titleOf(t),
        mp3Url: links.url(t.take_id, 'mp3', expiresAt),
        ...(t.wav_file || t.remote_wav_url
          ? { wavUrl: links.url(t.take_id, 'wav', expiresAt) }
          : {}),
        lyricsUrl: links.url(t.take_id, 'txt', expiresAt),
      })),
    });
  });
}

/**
 * GET /api/download/:takeId.(mp3|wav|txt)?exp=…&sig=… — the full take. Refused (403) when the link
 * is forged or expired, or the take is not unlocked by a paid order.
 */
export function downloadRoutes(
  deps: RouteDeps<'sql' | 'tokens'>,
  storage: AudioStorage,
  links: DownloadLinks,
) {
  return new Hono<AppEnv>().get('/:file{[0-9a-f-]{36}\\.(mp3|wav|txt)}', async (c) => {
    const file = c.req.param('file');
    const takeId = file.slice(0, 36);
    const kind = file.slice(37) as DownloadKind;
    const check = links.check(takeId, kind, c.req.query('exp'), c.req.query('sig'));
    if (check === 'forged') throw new Refusal('forbidden', 'this download link is not valid');
    if (check === 'expired') {
      throw new Refusal(
        'forbidden',
        'this download link has expired; get fresh links from GET /api/forms/:formId/downloads',
      );
    }
    const take = await unlockedTake(deps.sql, takeId);
    if (!take) throw new Refusal('forbidden', 'this take is not paid for');
    const headers = { cacheControl: 'private, no-store' };

    if (kind === 'txt') {
      c.header('content-type', 'text/plain; charset=utf-8');
      c.header('content-disposition', attachment(fileName(take, ' (lyrics).txt')));
      c.header('cache-control', headers.cacheControl);
      return c.body(`${titleOf(take)}\n\n${take.lyrics?.trim() ?? '(instrumental)'}\n`);
    }
    if (kind === 'wav') {
      let wav: string | undefined;
      try {
        wav = await ensureWav(deps.sql, storage, take);
      } catch (err) {
        log.warn('WAV fetch failed', { takeId, error: String(err) });
        throw new Refusal(
          'upstream',
          'the WAV could not be fetched from the music provider; try again',
        );
      }
      if (!wav) throw new Refusal('not_found', 'there is no WAV of this take; download the MP3');
      return sendFile(c, storage.resolve(wav), {
        contentType: 'audio/wav',
        ...headers,
        downloadName: fileName(take, '.wav'),
      });
    }
    if (!take.audio_file) throw new Refusal('not_found', 'this take has no audio');
    return sendFile(c, storage.resolve(take.audio_file), {
      contentType: 'audio/mpeg',
      ...headers,
      downloadName: fileName(take, '.mp3'),
    });
  });
}
