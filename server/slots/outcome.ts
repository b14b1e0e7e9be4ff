import type { Sql, TransactionSql } from 'postgres';
import type { TakeResult } from '../providers/types.ts';
import { lockFormOfSlot, refreshProgress } from './claim.ts';
import { recordEvent } from './events.ts';

/** Marks a slot failed with a reason a person can read; a no-op once it is ready or failed. */
export async function failSlot(sql: Sql, slotId: string, reason: string): Promise<boolean> {
  return sql.begin(async (tx) => {
    if (!(await lockFormOfSlot(tx, slotId))) return false;
    const [slot] = await tx<{ form_id: string }[]>`
      update slots set status = 'failed', error = ${reason}, completed_at = now(),
        lease_owner = null, lease_expires_at = null, updated_at = now()
      where id = ${slotId} and status in ('queued', 'generating')
      returning form_id`;
    if (!slot) return false;
    await recordEvent(tx, slotId, slot.form_id, 'failed', { reason });
    await refreshProgress(tx, slot.form_id);
    return true;
  });
}

export interface TaskInfo {
  taskId?: string;
  coverUrl?: string;
}

/**
 * Merges what a provider said about a slot's takes (a webhook, a poll, the local engine). Every
 * field has one source and merges by coalesce, so duplicates and any delivery order end in the
 * same rows; lyrics from a lyrics-only delivery win over those carried by a music delivery.
 * Knowing the task id ends window (b): the slot counts as submitted and is never re-sent.
 */
export type TakeUpdate = TakeResult & { lyricsOnly?: boolean };

export function recordTakes(
  sql: Sql,
  slotId: string,
  takes: TakeUpdate[],
  info: TaskInfo = {},
): Promise<boolean> {
  return sql.begin((tx) => recordTakesIn(tx, slotId, takes, info));
}

/** recordTakes inside a transaction the caller owns (a webhook commits its ledger row with it). */
export async function recordTakesIn(
  tx: TransactionSql,
  slotId: string,
  takes: TakeUpdate[],
  info: TaskInfo = {},
): Promise<boolean> {
  {
    if (!(await lockFormOfSlot(tx, slotId))) return false;
    const [slot] = await tx<
      { form_id: string; owner_id: string; conversion_ids: string[] | null }[]
    >`
      select form_id, owner_id, conversion_ids from slots where id = ${slotId} for update`;
    if (!slot) return false;
    if (info.taskId) {
      await tx`
        update slots set task_id = coalesce(task_id, ${info.taskId}),
          status = case when status = 'queued' then 'generating' else status end,
          submitted_at = coalesce(submitted_at, now()),
          lease_owner = null, lease_expires_at = null, updated_at = now()
        where id = ${slotId}`;
    }
    if (info.coverUrl) {
      await tx`update slots set cover_url = coalesce(cover_url, ${info.coverUrl}) where id = ${slotId}`;
    }
    for (const take of takes) {
      const known = slot.conversion_ids?.indexOf(take.conversionId) ?? -1;
      let index: number | null = known >= 0 ? known + 1 : null;
      if (index === null) {
        const used = await tx<{ take_index: number; conversion_id: string }[]>`
          select take_index, conversion_id from takes where slot_id = ${slotId} and take_index is not null`;
        const mine = used.find((u) => u.conversion_id === take.conversionId);
        index =
          mine?.take_index ?? [1, 2].find((i) => !used.some((u) => u.take_index === i)) ?? null;
      }
      const lyricsOnly = take.lyricsOnly === true;
      await tx`
        insert into takes (slot_id, owner_id, form_id, conversion_id, take_index, title, lyrics,
                           lyrics_timestamped, duration_sec, remote_audio_url, remote_wav_url)
        values (${slotId}, ${slot.owner_id}, ${slot.form_id}, ${take.conversionId}, ${index},
                ${take.title ?? null}, ${take.lyrics ?? null},
                ${take.lyricsTimestamped === undefined ? null : tx.json(take.lyricsTimestamped as never)},
                ${take.durationSec ?? null}, ${take.audioUrl ?? null}, ${take.wavUrl ?? null})
        on conflict (slot_id, conversion_id) do update set
          take_index = coalesce(${known >= 0 ? known + 1 : null}::int, takes.take_index, excluded.take_index),
          title = coalesce(takes.title, excluded.title),
          lyrics = ${lyricsOnly ? tx`coalesce(excluded.lyrics, takes.lyrics)` : tx`coalesce(takes.lyrics, excluded.lyrics)`},
          lyrics_timestamped = coalesce(takes.lyrics_timestamped, excluded.lyrics_timestamped),
          duration_sec = coalesce(takes.duration_sec, excluded.duration_sec),
          remote_audio_url = coalesce(takes.remote_audio_url, excluded.remote_audio_url),
          remote_wav_url = coalesce(takes.remote_wav_url, excluded.remote_wav_url),
          updated_at = now()`;
    }
    await refreshProgress(tx, slot.form_id);
    return true;
  }
}

/**
 * Stores the local file of a take; once both takes of a slot are stored the slot is ready.
 * Returns whether this call made the slot ready.
 */
export async function storeTakeAudio(
  sql: Sql,
  takeId: string,
  files: { audioFile: string; previewUrl: string; previewFile?: string; wavFile?: string },
): Promise<boolean> {
  return sql.begin(async (tx) => {
    const [owner] = await tx<{ slot_id: string }[]>`select slot_id from takes where id = ${takeId}`;
    if (!owner || !(await lockFormOfSlot(tx, owner.slot_id))) return false;
    const [take] = await tx<{ slot_id: string }[]>`
      update takes set audio_file = ${files.audioFile}, wav_file = coalesce(${files.wavFile ?? null}, wav_file),
        preview_file = coalesce(${files.previewFile ?? null}, preview_file),
        preview_url = ${files.previewUrl}, updated_at = now()
      where id = ${takeId} returning slot_id`;
    if (!take) return false;
    const [slot] = await tx<{ form_id: string; submitted_at: Date | null }[]>`
      select form_id, submitted_at from slots where id = ${take.slot_id} for update`;
    const [{ stored }] = (await tx`
      select count(*)::int as stored from takes where slot_id = ${take.slot_id} and audio_file is not null`) as unknown as [
      { stored: number },
    ];
    if (stored < 2) return false;
    const [ready] = await tx`
      update slots set status = 'ready', completed_at = now(), error = null,
        lease_owner = null, lease_expires_at = null, updated_at = now()
      where id = ${take.slot_id} and status <> 'ready' and is_current
      returning id`;
    if (!ready) return false;
    const ms = slot!.submitted_at ? Date.now() - slot!.submitted_at.getTime() : undefined;
    await recordEvent(tx, take.slot_id, slot!.form_id, 'completed', {}, ms);
    await refreshProgress(tx, slot!.form_id);
    return true;
  });
}
