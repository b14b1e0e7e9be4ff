import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { faultPoint } from '../faults.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { httpError } from '../http/errors.ts';
import { parseMusicGptWebhook, type MusicGptWebhook } from '../providers/musicgpt-webhook.ts';
import type { Generation } from '../slots/generation.ts';
import { recordTakesIn, type TakeUpdate, type TaskInfo } from '../slots/outcome.ts';
import type { UrlSigner } from '../slots/tokens.ts';

function toTakes(event: MusicGptWebhook): { takes: TakeUpdate[]; info: TaskInfo } {
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
          },
        ],
        info: { taskId: event.taskId },
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
    default:
      return { takes: [], info: {} };
  }
}

/**
 * POST /api/webhooks/musicgpt/:slotId?token=… — MusicGPT signs nothing, so the URL we gave it
 * carries the slot and an HMAC of it. A delivery is recorded by its content hash in the same
 * transaction as its merge: a duplicate is a no-op, and a crash mid-merge leaves no trace, so the
 * redelivery (or the byId poll) finishes the job.
 */
export function musicGptWebhookRoutes(deps: AppDeps, signer: UrlSigner, generation: Generation) {
  return new Hono<AppEnv>().post('/:slotId{[0-9a-f-]{36}}', async (c) => {
    const slotId = c.req.param('slotId');
    if (!signer.verify('webhook', slotId, c.req.query('token'))) {
      throw httpError(401, 'missing or wrong webhook token');
    }
    const raw = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw httpError(400, 'the webhook body is not JSON');
    }
    const { takes, info } = toTakes(parseMusicGptWebhook(body));
    const key = createHash('sha256').update(raw).digest('hex');

    const fresh = await deps.sql.begin(async (tx) => {
      const [inserted] = await tx`
        insert into webhook_deliveries (source, key, slot_id, payload)
        values ('musicgpt', ${key}, ${slotId}, ${tx.json(body as never)})
        on conflict do nothing returning key`;
      if (!inserted) return false;
      if (!(await recordTakesIn(tx, slotId, takes, info)))
        throw httpError(404, `no slot ${slotId}`);
      faultPoint('during-webhook');
      return true;
    });
    // Downloads run after the answer: MusicGPT should not wait on them.
    if (fresh && takes.some((t) => t.audioUrl)) void generation.fetchAudio(slotId);
    return c.json({ ok: true, duplicate: !fresh });
  });
}
