import { Hono } from 'hono';
import type { UrlSigner } from '../auth/signing.ts';
import { Refusal } from '../errors.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { ensurePreview } from './preview.ts';
import { sendFile } from './send.ts';
import type { AudioStorage } from './storage.ts';

/**
 * GET /api/audio/:takeId.mp3?sig=… — a take's preview (at most 30 seconds), never the full take:
 * the full file leaves the server only through a paid order's download links. The signature
 * makes the URL unguessable.
 */
export function audioRoutes(deps: RouteDeps<'sql'>, storage: AudioStorage, signer: UrlSigner) {
  return coverRoutes(deps, storage, signer).get('/:file{[0-9a-f-]{36}\\.mp3}', async (c) => {
    const takeId = c.req.param('file').slice(0, 36);
    if (!signer.verify('audio', takeId, c.req.query('sig')))
      throw new Refusal('forbidden', 'this audio link is not valid');
    const [take] = await deps.sql<{ audio_file: string | null; preview_file: string | null }[]>`
      select audio_file, preview_file from takes where id = ${takeId}`;
    if (!take?.audio_file) throw new Refusal('not_found', 'this take has no audio yet');
    let previewFile = take.preview_file;
    if (!previewFile) {
      // Takes stored before previews were recorded get theirs on first play.
      previewFile = (await ensurePreview(storage, take.audio_file)) ?? null;
      if (!previewFile) throw new Refusal('not_found', 'no preview could be made of this take');
      await deps.sql`update takes set preview_file = ${previewFile} where id = ${takeId} and preview_file is null`;
    }
    return sendFile(c, storage.resolve(previewFile), {
      contentType: 'audio/mpeg',
      cacheControl: 'private, max-age=31536000, immutable',
    });
  });
}

/**
 * GET /api/audio/covers/:slotId?sig=… — a slot's album cover, from our own storage: the provider's
 * link is never handed to a browser. Only covers whose bytes parsed as JPEG or PNG are stored.
 */
function coverRoutes(deps: RouteDeps<'sql'>, storage: AudioStorage, signer: UrlSigner) {
  return new Hono<AppEnv>().get('/covers/:slotId{[0-9a-f-]{36}}', async (c) => {
    const slotId = c.req.param('slotId');
    if (!signer.verify('cover', slotId, c.req.query('sig')))
      throw new Refusal('forbidden', 'this cover link is not valid');
    const [cover] = await deps.sql<{ file: string; content_type: string }[]>`
      select file, content_type from slot_covers where slot_id = ${slotId} and file is not null`;
    if (!cover) throw new Refusal('not_found', 'this song has no cover yet');
    return sendFile(c, storage.resolve(cover.file), {
      contentType: cover.content_type,
      cacheControl: 'private, max-age=31536000, immutable',
    });
  });
}
