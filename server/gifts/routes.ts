import { Hono, type Context } from 'hono';
import { sendFile } from '../audio/send.ts';
import type { AudioStorage } from '../audio/storage.ts';
import { Refusal } from '../errors.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { coverPng, drawCover } from './cover.ts';
import { GIFT_STYLE_HASH, giftMissingPage, giftPage } from './page.ts';
import { giftByCode, isRevealed, type Gift, type GiftSong } from './read.ts';

const CODE = '[A-Za-z0-9_-]{22,43}';
const SONG = '[1-5]';

// Every gift answer is read again on each request: a revoked link must stop at once, so neither
// the browser nor a proxy may answer from a copy without asking (the service worker keeps one
// for offline only, and drops it when the server says 404).
const FRESH = 'private, no-cache';

function missing(c: Context<AppEnv>) {
  c.set('styleHashes', [GIFT_STYLE_HASH]);
  c.header('cache-control', 'no-store');
  return c.html(giftMissingPage(), 404);
}

/** The gift and its song `n`, or a refusal: unknown, revoked, no such song, or not yet revealed. */
async function revealedSong(
  deps: RouteDeps<'sql'>,
  c: Context<AppEnv>,
): Promise<{ gift: Gift; song: GiftSong }> {
  const gift = await giftByCode(deps.sql, c.req.param('code')!);
  const song = gift?.songs.find((s) => s.n === Number(c.req.param('n')));
  if (!gift || !song) throw new Refusal('not_found', 'this gift link is not available');
  if (!isRevealed(gift)) {
    throw new Refusal('forbidden', `this song opens on ${gift.revealAt!.toISOString()}`);
  }
  return { gift, song };
}

/**
 * The gift page and what it plays, for anyone holding the code (no account): GET /g/:code, its
 * songs' audio (Range requests), cover and, when the buyer allowed it, download. An unknown or
 * revoked code answers 404; before the reveal date nothing but the countdown page is served.
 */
export function giftRoutes(deps: RouteDeps<'sql', 'publicUrl'>, storage: AudioStorage) {
  /** The provider's stored cover when there is one, else the one `drawn` from the song. */
  async function cover(
    c: Context<AppEnv>,
    drawn: (song: GiftSong) => Promise<{ type: string; body: string | Uint8Array<ArrayBuffer> }>,
  ) {
    const { song } = await revealedSong(deps, c);
    if (song.coverFile && song.coverType) {
      return sendFile(c, storage.resolve(song.coverFile), {
        contentType: song.coverType,
        cacheControl: FRESH,
      });
    }
    const { type, body } = await drawn(song);
    c.header('content-type', type);
    c.header('cache-control', FRESH);
    return c.body(body);
  }

  return (
    new Hono<AppEnv>()
      .get(`/:code{${CODE}}`, async (c) => {
        const gift = await giftByCode(deps.sql, c.req.param('code'));
        if (!gift) return missing(c);
        c.set('styleHashes', [GIFT_STYLE_HASH]);
        c.header('cache-control', FRESH);
        return c.html(giftPage(gift, deps.config.publicUrl));
      })
      .get(`/:code{${CODE}}/:n{${SONG}}/audio.mp3`, async (c) => {
        const { song } = await revealedSong(deps, c);
        if (!song.audioFile) throw new Refusal('not_found', 'this song has no audio');
        return sendFile(c, storage.resolve(song.audioFile), {
          contentType: 'audio/mpeg',
          cacheControl: FRESH,
        });
      })
      .get(`/:code{${CODE}}/:n{${SONG}}/download`, async (c) => {
        const { gift, song } = await revealedSong(deps, c);
        if (!gift.allowDownload || !song.audioFile) {
          throw new Refusal('not_found', 'the sender keeps this song to be played here');
        }
        return sendFile(c, storage.resolve(song.audioFile), {
          contentType: 'audio/mpeg',
          cacheControl: FRESH,
          downloadName: `${song.title.replace(/[\\/:*?"<>|\x00-\x1f]/g, ' ').slice(0, 120)}.mp3`,
        });
      })
      .get(`/:code{${CODE}}/:n{${SONG}}/cover`, (c) =>
        cover(c, async (song) => ({
          type: 'image/svg+xml; charset=utf-8',
          body: drawCover(song.title, song.mood),
        })),
      )
      // The same cover as JPEG or PNG, for link previews in messengers, which show no SVG.
      .get(`/:code{${CODE}}/:n{${SONG}}/og-image`, (c) =>
        cover(c, async (song) => ({
          type: 'image/png',
          body: new Uint8Array(await coverPng(drawCover(song.title, song.mood))),
        })),
      )
  );
}
