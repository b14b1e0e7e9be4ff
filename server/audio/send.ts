import fs from 'node:fs';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { Refusal } from '../errors.ts';

export interface SendOptions {
  contentType: string;
  cacheControl: string;
  /** Offered to save under this name (Content-Disposition: attachment). */
  downloadName?: string;
}

/**
 * Streams a stored file with single-range support, so players can seek and the service worker
 * can cache what was played.
 */
export async function sendFile(c: Context, file: string, opts: SendOptions): Promise<Response> {
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch (err) {
    // A file another server stored (its own DATA_DIR), or one removed by hand: a missing file,
    // said so, rather than a server error.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new Refusal('not_found', 'this audio is not stored on this server; try again later');
  }
  c.header('content-type', opts.contentType);
  c.header('accept-ranges', 'bytes');
  c.header('cache-control', opts.cacheControl);
  if (opts.downloadName) c.header('content-disposition', attachment(opts.downloadName));
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
    for await (const chunk of fs.createReadStream(file, { start, end }))
      await s.write(chunk as Uint8Array);
  });
}

/** RFC 6266: an ASCII fallback name plus the exact name in RFC 5987 encoding. */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, "'");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
