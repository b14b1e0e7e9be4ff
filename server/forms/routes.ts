import { Hono } from 'hono';
import { requireOwner } from '../http/auth.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { uuidParam } from '../http/request.ts';
import { requireOwnForm } from '../ownership.ts';

/**
 * GET /api/forms/:formId — the owner's form with its songs, every slot attempt, takes and
 * selections, in one answer: for clients without Zero, for support and for scripts.
 */
export function formRoutes(deps: RouteDeps<'sql' | 'tokens'>) {
  return new Hono<AppEnv>().get('/:formId', requireOwner(deps), async (c) => {
    const formId = uuidParam(c, 'formId');
    const ownerId = c.get('ownerId');
    const [form] = await deps.sql<{ owner_id: string }[]>`
      select id, owner_id, owner_id as "ownerId", status, song_count as "songCount", draft,
             progress_ready as "progressReady", progress_total as "progressTotal",
             submitted_at as "submittedAt", created_at as "createdAt", updated_at as "updatedAt"
      from forms where id = ${formId}`;
    // Someone else's form answers like a missing one: ids are not for probing.
    const { owner_id: _, ...own } = requireOwnForm(form, ownerId, formId);
    const [songs, slots, takes, selections] = await Promise.all([
      deps.sql`select song_index as "songIndex", brief from songs where form_id = ${formId} order by song_index`,
      deps.sql`
        select id, song_index as "songIndex", variation_index as "variationIndex", attempt,
               is_current as "isCurrent", status, preset, title, music_prompt as "musicPrompt",
               music_style as "musicStyle", lyrics, writer, provider, task_id as "taskId",
               cover_url as "coverUrl", error, resubmits, submitted_at as "submittedAt",
               completed_at as "completedAt"
        from slots where form_id = ${formId}
        order by song_index, variation_index, attempt`,
      deps.sql`
        select id, slot_id as "slotId", take_index as "take", title, lyrics,
               duration_sec as "durationSec", preview_url as "audioUrl",
               (audio_file is not null) as "isStored"
        from takes where form_id = ${formId} order by slot_id, take_index`,
      deps.sql`
        select song_index as "songIndex", slot_id as "slotId", take_index as "take"
        from selections where form_id = ${formId} order by song_index`,
    ]);
    return c.json({ form: own, songs, slots, takes, selections });
  });
}
