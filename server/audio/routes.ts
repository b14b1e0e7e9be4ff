import fs from 'node:fs';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { httpError } from '../http/errors.ts';
import type { UrlSigner } from '../slots/tokens.ts';
import type { AudioStorage } from './storage.ts';

/**
 * GET /api/audio/:takeId.mp3?sig=… — a take's audio with Range support, so players can seek and
 * the service worker can cache what was played. The signature makes the URL unguessable.
 */
export function audioRoutes(deps: AppDeps, storage: AudioStorage, signer: UrlSigner) {
  return new Hono<AppEnv>().get('/:file{[0-9a-f-]{36}\\.mp3}', async (c) => {
    const takeId = c.req.param('file').slice(0, 36);
    if (!signer.verify('audio', takeId, c.req.query('sig'))) throw httpError(403, 'this audio link is not valid');
    const [take] = await deps.sql<{ audio_file: string | null }[]>`select audio_file from takes where id = ${takeId}`;
    if (!take?.audio_file) throw httpError(404, 'this take has no audio yet');
    const file = storage.resolve(take.audio_file);
    const size = (await fs.promises.stat(file)).size;
    c.header('content-type', 'audio/mpeg');
    c.header('accept-ranges', 'bytes');
    c.header('cache-control', 'private, max-age=31536000, immutable');
    const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header('range') ?? '');
    let start = 0;
    let end = size - 1;
    if (range) {
      if (range[1] === '' && range[2] !== '') {
        start = Math.max(0, size - Number(range[2]));
      } else {
        start = Number(range[1]);
        if (range[2] !== '') end = Math.min(end, Number(range[2]));
      }
      if (start > end || start >= size) {
        c.header('content-range', `bytes */${size}`);
        return c.body(null, 416);
      }
      c.status(206);
      c.header('content-range', `bytes ${start}-${end}/${size}`);
    }
    c.header('content-length', String(end - start + 1));
    return stream(c, async (s) => {
      for await (const chunk of fs.createReadStream(file, { start, end })) await s.write(chunk as Uint8Array);
    });
  });
}
