import type { Sql, TransactionSql } from 'postgres';
import type { SongBrief } from '../../schema/draft.ts';
import type { SungName } from '../../schema/pronunciation.ts';
import type { SlotStatus } from '../../schema/status.ts';
import { ENGINE_SCHEME, engineFileOf } from '../audio/storage.ts';
import { jsonb } from '../db/jsonb.ts';
import { logger } from '../log.ts';
import { isHttpLink } from '../media/address.ts';
import { ENGINE_ACCOUNT } from '../providers/local.ts';
import type { TakeResult } from '../providers/types.ts';
import { jsonAsWritten, lyricsAsWritten, sungNamesOf } from '../writer/index.ts';
import { lockFormOfSlot, refreshProgress } from './claim.ts';
import { recordEvent } from './events.ts';
import { markSubmitted } from './submitted.ts';

const log = logger('outcome');

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
    await closeOpenCalls(tx, slotId, 'failed');
    await recordEvent(tx, slotId, slot.form_id, 'failed', { reason });
    await refreshProgress(tx, slot.form_id);
    return true;
  });
}

/**
 * Closes the calls of a slot still marked `sending` once the slot ended: their process died
 * before it read their answer, and none can still be waiting for one. Left open, they would hold
 * a place under the account's task cap for good (admission.ts counts open calls).
 */
async function closeOpenCalls(
  tx: TransactionSql,
  slotId: string,
  ending: 'ready' | 'failed',
): Promise<void> {
  await tx`
    update provider_calls set state = 'answered', finished_at = now(),
      response = ${jsonb(tx, { outcome: `unknown: its answer was lost, and the slot is ${ending}` })}
    where slot_id = ${slotId} and state = 'sending' and kind in ('submit', 'resubmit')`;
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

export interface MergeSource {
  /** The built-in engine's own completion: the only source whose `local:` links are kept. */
  isEngine?: boolean;
  /** What the call that made the task cost, for a call whose answer was lost (see below). */
  callCostCents?: number;
}

export function recordTakes(
  sql: Sql,
  slotId: string,
  takes: TakeUpdate[],
  info: TaskInfo = {},
  source: MergeSource = {},
): Promise<boolean> {
  return sql.begin((tx) => recordTakesIn(tx, slotId, takes, info, source));
}

/**
 * The links of a take this merge may record: http(s) from anyone (fetched later under the media
 * policy), `local:` only from the built-in engine, for its own slot, on a slot it renders.
 */
function trustedLinks(
  take: TakeUpdate,
  slot: { id: string; provider: string },
  source: MergeSource,
): TakeUpdate {
  const keep = (link: string | undefined, isAudio: boolean) => {
    if (link === undefined) return undefined;
    if (link.startsWith(ENGINE_SCHEME)) {
      // By the slot's account (its row), not by which provider delivered: an engine file is
      // kept only on a slot the engine was claimed for.
      const isOwn = isAudio && source.isEngine && slot.provider === ENGINE_ACCOUNT;
      if (isOwn && engineFileOf(slot.id, link)) return link;
    } else if (isHttpLink(link)) {
      return link;
    }
    log.warn('refused a take link', { slotId: slot.id, conversionId: take.conversionId, link });
    return undefined;
  };
  const { audioUrl, wavUrl, ...rest } = take;
  const audio = keep(audioUrl, true);
  const wav = keep(wavUrl, false);
  return { ...rest, ...(audio ? { audioUrl: audio } : {}), ...(wav ? { wavUrl: wav } : {}) };
}

/** A take's lyrics and timed lines with each sung respelling turned back into the name. */
function spelledAsWritten(take: TakeUpdate, names: SungName[], written: string): TakeUpdate {
  if (names.length === 0) return take;
  return {
    ...take,
    ...(take.lyrics === undefined ? {} : { lyrics: lyricsAsWritten(take.lyrics, names, written) }),
    ...(take.lyricsTimestamped === undefined
      ? {}
      : { lyricsTimestamped: jsonAsWritten(take.lyricsTimestamped, names, written) }),
  };
}

/**
 * recordTakes inside a transaction the caller owns (a webhook commits its ledger row with it).
 * What a person has heard or read never changes: once the slot is ready a delivery only fills
 * still-empty timed lyrics of an unpaid take, and a paid take is never touched (migration 0006
 * holds the same line in the database).
 */
export async function recordTakesIn(
  tx: TransactionSql,
  slotId: string,
  takes: TakeUpdate[],
  info: TaskInfo = {},
  source: MergeSource = {},
): Promise<boolean> {
  if (!(await lockFormOfSlot(tx, slotId))) return false;
  const [slot] = await tx<
    {
      id: string;
      form_id: string;
      owner_id: string;
      provider: string;
      status: SlotStatus;
      conversion_ids: string[] | null;
      brief: SongBrief | null;
      lyrics: string | null;
    }[]
  >`
    select s.id, s.form_id, s.owner_id, s.provider, s.status, s.conversion_ids, g.brief, s.lyrics
    from slots s left join songs g on g.form_id = s.form_id and g.song_index = s.song_index
    where s.id = ${slotId} for update of s`;
  if (!slot) return false;
  // A singer that read the name's respelling gives it back in its lyrics; the person reads the
  // name as they spelled it. The built-in engine hands back the lyrics as written.
  const names = source.isEngine || !slot.brief ? [] : sungNamesOf(slot.brief);
  const written = slot.lyrics ?? '';
  if (info.taskId) {
    await markSubmitted(tx, slotId, { taskId: info.taskId, lease: 'keep-engine-renders' });
    // The provider named a task of this slot: a call still `sending` is the one whose answer was
    // lost with its process (window b). The task exists, so the call was accepted; one call is
    // open per slot at a time, so it is this task's.
    await tx`
      update provider_calls set state = 'accepted', finished_at = now(),
        estimated_cost_cents = ${source.callCostCents ?? 0},
        response = ${jsonb(tx, { outcome: 'accepted: its answer was lost; the provider named the task later', taskId: info.taskId })}
      where slot_id = ${slotId} and state = 'sending' and kind in ('submit', 'resubmit')`;
  }
  if (info.coverUrl && isHttpLink(info.coverUrl)) {
    await tx`
      insert into slot_covers (slot_id, remote_url) values (${slotId}, ${info.coverUrl})
      on conflict (slot_id) do update set remote_url = coalesce(slot_covers.remote_url, excluded.remote_url)`;
  }
  const isReady = slot.status === 'ready';
  for (const given of takes) {
    const take = spelledAsWritten(trustedLinks(given, slot, source), names, written);
    const [existing] = await tx<{ id: string; is_paid: boolean }[]>`
      select t.id, exists (select 1 from unlocks u where u.take_id = t.id) as is_paid
      from takes t where t.slot_id = ${slotId} and t.conversion_id = ${take.conversionId}`;
    if (existing?.is_paid) continue;
    if (isReady) {
      if (existing && take.lyricsTimestamped !== undefined) {
        await tx`
          update takes set lyrics_timestamped = ${jsonb(tx, take.lyricsTimestamped)}, updated_at = now()
          where id = ${existing.id} and lyrics_timestamped is null`;
      }
      continue;
    }
    const known = slot.conversion_ids?.indexOf(take.conversionId) ?? -1;
    let index: number | null = known >= 0 ? known + 1 : null;
    if (index === null) {
      const used = await tx<{ take_index: number; conversion_id: string }[]>`
        select take_index, conversion_id from takes where slot_id = ${slotId} and take_index is not null`;
      const mine = used.find((u) => u.conversion_id === take.conversionId);
      index = mine?.take_index ?? [1, 2].find((i) => !used.some((u) => u.take_index === i)) ?? null;
    }
    const lyricsOnly = take.lyricsOnly === true;
    await tx`
      insert into takes (slot_id, owner_id, form_id, conversion_id, take_index, title, lyrics,
                         lyrics_timestamped, duration_sec, remote_audio_url, remote_wav_url)
      values (${slotId}, ${slot.owner_id}, ${slot.form_id}, ${take.conversionId}, ${index},
              ${take.title ?? null}, ${take.lyrics ?? null},
              ${take.lyricsTimestamped === undefined ? null : jsonb(tx, take.lyricsTimestamped)},
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

/**
 * Forgets an audio link whose fetch the media policy refused (or whose bytes were not an MP3), so
 * a later delivery or the provider poll can bring a good one. Only while the take has no audio.
 */
export async function forgetAudioLink(sql: Sql, takeId: string, link: string): Promise<void> {
  await sql`
    update takes set remote_audio_url = null, updated_at = now()
    where id = ${takeId} and remote_audio_url = ${link} and audio_file is null`;
}

/**
 * Records a slot's stored cover and names it by our own URL; a stored cover is kept for good.
 * Takes the form's lock first, as a merge does (which writes the slot, then its cover link):
 * locking the cover row first deadlocked against a webhook merging the same slot.
 */
export async function storeCover(
  sql: Sql,
  slotId: string,
  cover: { file: string; contentType: string; url: string },
): Promise<boolean> {
  return sql.begin(async (tx) => {
    if (!(await lockFormOfSlot(tx, slotId))) return false;
    const [stored] = await tx`
      update slot_covers set file = ${cover.file}, content_type = ${cover.contentType}, stored_at = now()
      where slot_id = ${slotId} and file is null returning slot_id`;
    if (!stored) return false;
    await tx`update slots set cover_url = coalesce(cover_url, ${cover.url}), updated_at = now() where id = ${slotId}`;
    return true;
  });
}

/** Records a take's stored WAV, once; the files are the same bytes whoever fetched them. */
export async function storeWav(sql: Sql, takeId: string, relative: string): Promise<void> {
  await sql`update takes set wav_file = ${relative}, updated_at = now() where id = ${takeId} and wav_file is null`;
}

/** Forgets a cover link that was refused, so a later delivery or poll can bring another. */
export async function forgetCoverLink(sql: Sql, slotId: string, link: string): Promise<void> {
  await sql`
    update slot_covers set remote_url = null where slot_id = ${slotId} and remote_url = ${link} and file is null`;
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
    // Audio is stored once, and never into a take someone has heard (slot ready) or paid for.
    const [take] = await tx<{ slot_id: string }[]>`
      update takes t set audio_file = ${files.audioFile}, wav_file = coalesce(${files.wavFile ?? null}, wav_file),
        preview_file = coalesce(${files.previewFile ?? null}, preview_file),
        preview_url = ${files.previewUrl}, updated_at = now()
      where t.id = ${takeId} and t.audio_file is null
        and not exists (select 1 from unlocks u where u.take_id = t.id)
        and exists (select 1 from slots s where s.id = t.slot_id and s.status <> 'ready')
      returning slot_id`;
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
    await closeOpenCalls(tx, take.slot_id, 'ready');
    const ms = slot!.submitted_at ? Date.now() - slot!.submitted_at.getTime() : undefined;
    await recordEvent(tx, take.slot_id, slot!.form_id, 'completed', {}, ms);
    await refreshProgress(tx, slot!.form_id);
    return true;
  });
}
