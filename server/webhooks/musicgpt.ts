import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { recordStreamIn } from '../audio/stream.ts';
import type { UrlSigner } from '../auth/signing.ts';
import { Refusal } from '../errors.ts';
import { jsonb } from '../db/jsonb.ts';
import { faultPoint } from '../faults.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { logger } from '../log.ts';
import { checkMediaUrl, MediaRefused } from '../media/address.ts';
import { ENGINE_ACCOUNT } from '../providers/local.ts';
import { parseMusicGptWebhook, type MusicGptWebhook } from '../providers/musicgpt/webhook.ts';
import type { Generation } from '../slots/generation.ts';
import { recordTakesIn, type TakeUpdate, type TaskInfo } from '../slots/outcome.ts';
import type { Reconciler } from '../slots/reconciler.ts';

const log = logger('webhooks');

type Delivery = Exclude<MusicGptWebhook, { kind: 'refused' }>;

/**
 * The links a delivery names, each checked against the media policy by its form alone (the
 * address it resolves to is checked again when fetched). A delivery with a link MusicGPT would
 * never send (not https, a private address, a file path) is refused whole: nothing is applied.
 */
function refusedLink(event: Delivery, trustedHosts: readonly string[]): string | undefined {
  const links =
    event.kind === 'music'
      ? {
          conversion_path: event.audioUrl,
          conversion_path_wav: event.wavUrl,
          album_cover_path: event.coverUrl,
        }
      : event.kind === 'cover'
        ? { image_path: event.imageUrl }
        : event.kind === 'streaming'
          ? { streaming_url: event.streamUrl }
          : {};
  for (const [field, link] of Object.entries(links)) {
    if (link === undefined) continue;
    try {
      checkMediaUrl(link, trustedHosts);
    } catch (err) {
      if (err instanceof MediaRefused) return `${field} is refused: ${err.message}`;
      throw err;
    }
  }
  return undefined;
}

function refuse(slotId: string, why: string): never {
  log.warn('refused a MusicGPT delivery; nothing was applied', { slotId, why });
  throw new Refusal('unprocessable', `this delivery was not applied: ${why}`);
}

function toTakes(event: Delivery): { takes: TakeUpdate[]; info: TaskInfo } {
  switch (event.kind) {
    case 'music':
      return {
        takes: [
          {
            conversionId: event.conversionId,
            audioUrl: event.audioUrl,
            wavUrl: event.wavUrl,
            durationSec: event.durationSec,
            title: event.title,
            lyrics: event.lyrics,
            lyricsTimestamped: event.lyricsTimestamped,
          },
        ],
        info: { taskId: event.taskId, coverUrl: event.coverUrl },
      };
    case 'lyrics':
      return {
        takes: event.conversionId
          ? [
              {
                conversionId: event.conversionId,
                lyrics: event.lyrics,
                lyricsTimestamped: event.lyricsTimestamped,
                lyricsOnly: true,
              },
            ]
          : [],
        info: { taskId: event.taskId },
      };
    case 'cover':
      return { takes: [], info: { taskId: event.taskId, coverUrl: event.imageUrl } };
    // A stream is for listening while the take is composed (kept apart, recordStreamIn); Refrain
    // keeps finished files only, so its link is never a take's audio. It and a body to confirm by
    // byId still name the task.
    case 'streaming':
    case 'confirm':
      return { takes: [], info: { taskId: event.taskId } };
    case 'unknown':
      return { takes: [], info: {} };
  }
}

/**
 * POST /api/webhooks/musicgpt/:slotId?token=… — MusicGPT signs nothing, so the URL we gave it
 * carries the slot and an HMAC of it. A delivery is recorded by its content hash in the same
 * transaction as its merge: a duplicate is a no-op, and a crash mid-merge leaves no trace, so the
 * redelivery (or the byId poll) finishes the job. Whoever holds the URL can write the body, so its
 * links are untrusted: one MusicGPT would never send is refused whole (422, nothing applied), and
 * the rest are fetched under the media policy, keeping only real audio and images. A delivery that
 * names the task but cannot be applied is answered 200 too (MusicGPT would only send it again)
 * and the slot is polled at once, so byId says what it holds.
 */
export function musicGptWebhookRoutes(
  deps: RouteDeps<'sql', 'mediaTrustedHosts'>,
  signer: UrlSigner,
  generation: Generation,
  reconciler: Pick<Reconciler, 'pollNow'>,
) {
  return new Hono<AppEnv>().post('/:slotId{[0-9a-f-]{36}}', async (c) => {
    const slotId = c.req.param('slotId');
    if (!signer.verify('webhook', slotId, c.req.query('token'))) {
      throw new Refusal('unauthorized', 'missing or wrong webhook token');
    }
    const raw = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new Refusal('invalid', 'the webhook body is not JSON');
    }
    const event = parseMusicGptWebhook(body);
    if (event.kind === 'refused') refuse(slotId, event.reason);
    const refusal = refusedLink(event, deps.config.mediaTrustedHosts);
    if (refusal !== undefined) refuse(slotId, refusal);
    const [slot] = await deps.sql<
      { provider: string }[]
    >`select provider from slots where id = ${slotId}`;
    if (!slot) throw new Refusal('not_found', `no slot ${slotId}`);
    if (slot.provider === ENGINE_ACCOUNT) {
      throw new Refusal(
        'conflict',
        'this song is made by the built-in engine; it takes no MusicGPT deliveries',
      );
    }
    if (event.kind === 'music' && event.isFlagged) {
      log.warn('MusicGPT flagged a take', { slotId, reason: event.flagReason });
    }
    const { takes, info } = toTakes(event);
    const key = createHash('sha256').update(raw).digest('hex');

    const fresh = await deps.sql.begin(async (tx) => {
      const [inserted] = await tx`
        insert into webhook_deliveries (source, key, slot_id, payload)
        values ('musicgpt', ${key}, ${slotId}, ${jsonb(tx, body)})
        on conflict do nothing returning key`;
      if (!inserted) return false;
      const source = { callCostCents: generation.callCostCents };
      if (!(await recordTakesIn(tx, slotId, takes, info, source)))
        throw new Refusal('not_found', `no slot ${slotId}`);
      if (event.kind === 'streaming') await recordStreamIn(tx, signer, slotId, event);
      faultPoint('during-webhook');
      return true;
    });
    // Audio downloads run after the answer: MusicGPT should not wait on them. What they leave
    // undone, reconciliation fetches again. A cover is one small image, stored before answering,
    // so an answered cover delivery is a finished one.
    if (fresh && takes.some((t) => t.audioUrl)) {
      generation.fetchAudio(slotId).catch((err) =>
        log.error('audio fetch after a delivery failed; reconciliation retries it', {
          slotId,
          error: String(err?.stack ?? err),
        }),
      );
    }
    if (fresh && event.kind === 'confirm') {
      log.info('a delivery named the task without what it needs; asking byId', {
        slotId,
        why: event.why,
      });
      reconciler.pollNow(slotId).catch((err) =>
        log.error('polling after a delivery failed; reconciliation polls again', {
          slotId,
          error: String(err?.stack ?? err),
        }),
      );
    }
    if (info.coverUrl) await generation.fetchCover(slotId);
    return c.json({ ok: true, duplicate: !fresh });
  });
}
