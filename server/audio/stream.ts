import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { TransactionSql } from 'postgres';
import type { UrlSigner } from '../auth/signing.ts';
import { Refusal } from '../errors.ts';
import type { SlotStatus } from '../../schema/status.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { logger } from '../log.ts';
import { fetchToBuffer, type FetchPolicy } from '../media/fetch.ts';
import { MediaRefused } from '../media/address.ts';
import { segmentTypeOf } from '../media/sniff.ts';

// Listening while a take is made. MusicGPT's `audio_streaming` webhook names a live HLS playlist
// per take; its link comes from a webhook body, which whoever holds the webhook URL can write, so
// no browser is ever sent there. The page gets a signed path on this server instead, and this
// server fetches the playlist and every segment it names under the media policy (public
// addresses only, sizes capped, bytes checked), rewriting each link in a playlist to another
// signed path here. The page's Content-Security-Policy stays `media-src 'self'`.

const log = logger('streams');

const PLAYLIST_POLICY = { maxBytes: 256 * 1024, timeoutMs: 15_000 };
const SEGMENT_POLICY = { maxBytes: 8 * 1024 * 1024, timeoutMs: 30_000 };
// A take is composed in minutes; a stream link this old is one nobody should still be playing.
const STREAM_LIFETIME_MS = 60 * 60_000;
const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';

export interface StreamEvent {
  conversionId?: string;
  streamUrl?: string;
}

/**
 * Keeps a take's live stream while its slot is still being made (a stream for a finished or
 * failed slot would only compete with the stored preview). The first link for a take wins:
 * webhooks may come twice.
 */
export async function recordStreamIn(
  tx: TransactionSql,
  signer: UrlSigner,
  slotId: string,
  event: StreamEvent,
): Promise<boolean> {
  if (!event.conversionId || !event.streamUrl) return false;
  const id = randomUUID();
  const path = `/api/streams/${id}/index.m3u8?sig=${signer.sign('stream', id)}`;
  const rows = await tx`
    insert into take_streams
      (id, slot_id, owner_id, form_id, conversion_id, take_index, remote_url, stream_url)
    select ${id}, s.id, s.owner_id, s.form_id, ${event.conversionId},
      case ${event.conversionId}
        when s.conversion_ids ->> 0 then 1 when s.conversion_ids ->> 1 then 2 end,
      ${event.streamUrl}, ${path}
    from slots s where s.id = ${slotId} and s.status in ('queued', 'generating')
    on conflict (slot_id, conversion_id) do nothing
    returning id`;
  return rows.length > 0;
}

/** The signed path of one link a stream's playlist names. */
function partPath(signer: UrlSigner, streamId: string, link: string): string {
  const sig = signer.sign('stream', `${streamId} ${link}`);
  return `/api/streams/${streamId}/part?u=${encodeURIComponent(link)}&sig=${sig}`;
}

/**
 * Every link in an HLS playlist (a URI line, or a tag's URI="…" attribute) resolved against the
 * playlist's own URL and turned into a signed path here. A link that is not http(s) once resolved
 * refuses the whole playlist: no player should be handed half of one.
 */
export function rewritePlaylist(
  text: string,
  base: string,
  toPath: (link: string) => string,
): string {
  const resolve = (ref: string) => {
    let url: URL;
    try {
      url = new URL(ref.trim(), base);
    } catch {
      throw new MediaRefused('the playlist names a link that cannot be read');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new MediaRefused(`the playlist names a ${url.protocol.replace(/:$/, '')} link`);
    }
    return toPath(url.href);
  };
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed === '') return '';
      if (trimmed.startsWith('#')) {
        return trimmed.replace(/URI="([^"]*)"/g, (_all, ref: string) => `URI="${resolve(ref)}"`);
      }
      return resolve(trimmed);
    })
    .join('\n');
}

/** A link or playlist the media policy refused, in the words the page shows. */
const refusedStream = (err: MediaRefused) =>
  new Refusal('upstream', `the music studio’s live stream was refused: ${err.message}`);

const isPlaylist = (body: Buffer) =>
  body
    .subarray(0, 16)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('#EXTM3U');

/**
 * GET /api/streams/:id/index.m3u8?sig=… — a take's live playlist, fetched now.
 * GET /api/streams/:id/part?u=…&sig=… — one link it named (a segment, a key, a nested playlist);
 * the signature covers the link, so this is no open proxy.
 * Both answer 410 once the take is ready (its preview plays instead) or failed.
 */
export function streamRoutes(deps: RouteDeps<'sql', 'mediaTrustedHosts'>, signer: UrlSigner) {
  const trustedHosts = deps.config.mediaTrustedHosts;

  async function liveStream(id: string): Promise<string> {
    const [row] = await deps.sql<{ remote_url: string; status: SlotStatus; age_ms: number }[]>`
      select ts.remote_url, s.status,
        (extract(epoch from now() - ts.created_at) * 1000)::float8 as age_ms
      from take_streams ts join slots s on s.id = ts.slot_id where ts.id = ${id}`;
    if (!row) throw new Refusal('not_found', 'there is no live stream here');
    if (row.status === 'ready') {
      throw new Refusal('gone', 'this take is ready: its preview plays instead of the live stream');
    }
    if (row.status === 'failed') {
      throw new Refusal('gone', 'this take could not be made, so there is nothing to listen to');
    }
    if (row.age_ms > STREAM_LIFETIME_MS) throw new Refusal('gone', 'this live stream has ended');
    return row.remote_url;
  }

  async function fetchPart(link: string, policy: Omit<FetchPolicy, 'trustedHosts'>) {
    try {
      return await fetchToBuffer(link, { ...policy, trustedHosts });
    } catch (err) {
      if (err instanceof MediaRefused) {
        log.warn('refused a live stream link', { link, why: err.message });
        throw refusedStream(err);
      }
      throw new Refusal(
        'upstream',
        'the music studio’s live stream did not answer; the finished take will be here soon',
      );
    }
  }

  function playlistAnswer(id: string, text: string, base: string): Response {
    let rewritten: string;
    try {
      rewritten = rewritePlaylist(text, base, (link) => partPath(signer, id, link));
    } catch (err) {
      if (!(err instanceof MediaRefused)) throw err;
      throw refusedStream(err);
    }
    return new Response(rewritten, {
      headers: { 'content-type': PLAYLIST_TYPE, 'cache-control': 'no-store' },
    });
  }

  return new Hono<AppEnv>()
    .get('/:id{[0-9a-f-]{36}}/index.m3u8', async (c) => {
      const id = c.req.param('id');
      if (!signer.verify('stream', id, c.req.query('sig'))) {
        throw new Refusal('forbidden', 'this live stream link is not valid');
      }
      const remote = await liveStream(id);
      const { body, url } = await fetchPart(remote, PLAYLIST_POLICY);
      if (!isPlaylist(body)) {
        throw new Refusal(
          'upstream',
          'the music studio’s live stream sent something that is not a playlist',
        );
      }
      return playlistAnswer(id, body.toString('utf8'), url);
    })
    .get('/:id{[0-9a-f-]{36}}/part', async (c) => {
      const id = c.req.param('id');
      const link = c.req.query('u') ?? '';
      if (!link || !signer.verify('stream', `${id} ${link}`, c.req.query('sig'))) {
        throw new Refusal('forbidden', 'this live stream link is not valid');
      }
      await liveStream(id);
      const { body, url } = await fetchPart(link, SEGMENT_POLICY);
      if (isPlaylist(body)) return playlistAnswer(id, body.toString('utf8'), url);
      const type = segmentTypeOf(body);
      if (!type) {
        throw new Refusal(
          'upstream',
          'the music studio’s live stream sent something that is not audio',
        );
      }
      return new Response(new Uint8Array(body), {
        headers: { 'content-type': type, 'cache-control': 'private, max-age=3600' },
      });
    });
}
