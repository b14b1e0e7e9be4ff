import { REVISIONS_PER_SONG, type OpArgsOf } from '../../../schema/ops.ts';
import { Refusal } from '../../errors.ts';
import type { SlotStatus } from '../../../schema/status.ts';
import {
  claimSlot,
  freezeSong,
  hasSlots,
  insertAttempt,
  lockForm,
  refreshProgress,
} from '../../slots/claim.ts';
import { recordEvent } from '../../slots/events.ts';
import type { OpHandler } from './types.ts';
import { refuseOthers } from '../../ownership.ts';

export const VARIATIONS = 3;

/** form.submit: freezes every song and requests all of its slots (songs × 3 variations). */
export const submitForm: OpHandler<OpArgsOf<'form.submit'>> = async (tx, args, ctx) => {
  const form = await lockForm(tx, args.formId, ctx.ownerId);
  const wasStarted = await hasSlots(tx, form.id);
  const briefs = [];
  for (let i = 0; i < form.song_count; i++) briefs.push(await freezeSong(tx, form, i));
  if (form.status === 'draft') {
    await tx`update forms set status = 'submitted', submitted_at = now() where id = ${form.id}`;
  }
  const claimed: string[] = [];
  const slots: string[] = [];
  for (const [songIndex, brief] of briefs.entries()) {
    for (let v = 0; v < VARIATIONS; v++) {
      const slot = await claimSlot(tx, form, brief, songIndex, v, ctx);
      slots.push(slot.slotId);
      if (slot.claimed) claimed.push(slot.slotId);
    }
  }
  await refreshProgress(tx, form.id);
  return {
    result: { formId: form.id, slots },
    claimed,
    startsForm: !wasStarted && claimed.length > 0,
  };
};

/** generation.request: an idempotent intent for one slot, from any device, before or after submit. */
export const requestGeneration: OpHandler<OpArgsOf<'generation.request'>> = async (
  tx,
  args,
  ctx,
) => {
  const form = await lockForm(tx, args.formId, ctx.ownerId);
  const wasStarted = await hasSlots(tx, form.id);
  const brief = await freezeSong(tx, form, args.songIndex);
  const slot = await claimSlot(tx, form, brief, args.songIndex, args.variationIndex, ctx);
  if (slot.claimed) await refreshProgress(tx, form.id);
  return {
    result: { slotId: slot.slotId },
    claimed: slot.claimed ? [slot.slotId] : [],
    startsForm: !wasStarted && slot.claimed,
  };
};

/** slot.retry: only a failed current attempt; makes attempt + 1, which makes one new call. */
export const retrySlot: OpHandler<OpArgsOf<'slot.retry'>> = async (tx, args, ctx) => {
  const [slot] = await tx<
    {
      form_id: string;
      owner_id: string;
      song_index: number;
      variation_index: number;
      attempt: number;
      status: SlotStatus;
      is_current: boolean;
    }[]
  >`select form_id, owner_id, song_index, variation_index, attempt, status, is_current from slots where id = ${args.slotId}`;
  if (!slot) throw new Refusal('not_found', `slot ${args.slotId} does not exist`);
  refuseOthers(slot, ctx.ownerId, `slot ${args.slotId}`);
  const form = await lockForm(tx, slot.form_id, ctx.ownerId);
  // Re-read under the form lock: a concurrent retry may have just replaced this attempt.
  const [now] = await tx<{ status: SlotStatus; is_current: boolean }[]>`
    select status, is_current from slots where id = ${args.slotId}`;
  if (!now!.is_current) throw new Refusal('state', 'this attempt was already retried');
  if (now!.status !== 'failed')
    throw new Refusal('state', `only a failed slot can be retried (it is ${now!.status})`);
  const [song] = await tx<{ brief: { relationship: string; occasion: string } }[]>`
    select brief from songs where form_id = ${form.id} and song_index = ${slot.song_index}`;
  await tx`update slots set is_current = false, updated_at = now() where id = ${args.slotId}`;
  // The form lock serialises retries, so attempt + 1 is always free here.
  const next = await insertAttempt(
    tx,
    form.id,
    slot.song_index,
    slot.variation_index,
    slot.attempt + 1,
    song!.brief,
    ctx,
  );
  if (!next) throw new Error(`attempt ${slot.attempt + 1} of slot ${args.slotId} exists already`);
  await recordEvent(tx, next.id, form.id, 'retried', {
    previous: args.slotId,
    attempt: slot.attempt + 1,
  });
  await refreshProgress(tx, form.id);
  return { result: { slotId: next.id, attempt: slot.attempt + 1 }, claimed: [next.id] };
};

/**
 * selection.set: the take a person chose for one song; only a ready slot's take, and only until
 * the songs are paid for (a payment takes the form's lock too, so the two never overlap).
 */
export const setSelection: OpHandler<OpArgsOf<'selection.set'>> = async (tx, args, ctx) => {
  await lockForm(tx, args.formId, ctx.ownerId);
  const [paid] = await tx<{ unchanged: boolean }[]>`
    select exists (
      select 1 from selections where form_id = ${args.formId} and song_index = ${args.songIndex}
        and slot_id = ${args.slotId} and take_index = ${args.take}
    ) as unchanged
    from orders where form_id = ${args.formId} and status = 'paid' limit 1`;
  if (paid && !paid.unchanged) {
    throw new Refusal(
      'state',
      'These songs are paid for, so the chosen takes can no longer change.',
    );
  }
  const [slot] = await tx<{ status: SlotStatus; song_index: number }[]>`
    select status, song_index from slots where id = ${args.slotId} and form_id = ${args.formId}`;
  if (!slot)
    throw new Refusal('not_found', `slot ${args.slotId} is not part of form ${args.formId}`);
  if (slot.song_index !== args.songIndex) {
    throw new Refusal(
      'invalid',
      `slot ${args.slotId} belongs to song ${slot.song_index + 1}, not ${args.songIndex + 1}`,
    );
  }
  if (slot.status !== 'ready') throw new Refusal('state', 'only a ready variation can be chosen');
  const [take] =
    await tx`select 1 from takes where slot_id = ${args.slotId} and take_index = ${args.take}`;
  if (!take)
    throw new Refusal('not_found', `take ${args.take} of slot ${args.slotId} does not exist`);
  await tx`
    insert into selections (form_id, song_index, owner_id, slot_id, take_index)
    values (${args.formId}, ${args.songIndex}, ${ctx.ownerId}, ${args.slotId}, ${args.take})
    on conflict (form_id, song_index) do update
      set slot_id = excluded.slot_id, take_index = excluded.take_index, updated_at = now()`;
  return {
    result: {
      formId: args.formId,
      songIndex: args.songIndex,
      slotId: args.slotId,
      take: args.take,
    },
  };
};

// MusicGPT guarantees its results for prompts up to 280 characters (docs/writer.md).
const MAX_PROMPT = 280;

/** The version's prompt with the person's direction first, so a cut never loses what they asked. */
export function directedPrompt(prompt: string, direction: string): string {
  const asked = direction.trim().replace(/[.\s]+$/, '');
  const whole = `${asked}. ${prompt}`;
  if (whole.length <= MAX_PROMPT) return whole;
  const cut = whole.slice(0, MAX_PROMPT + 1);
  return cut.slice(0, Math.max(asked.length + 1, cut.lastIndexOf(' '))).trimEnd();
}

/**
 * variation.revise: makes one variation again before paying, from the person's own lyrics, a
 * direction for the music, or both. Like a retry it is attempt + 1 (one new provider call per op
 * id, whatever replays), but of a finished version, and it carries its own text: the writer is not
 * asked again, and the lyrics reach the provider as the person wrote them.
 */
export const reviseVariation: OpHandler<OpArgsOf<'variation.revise'>> = async (tx, args, ctx) => {
  const [slot] = await tx<{ form_id: string; owner_id: string; song_index: number }[]>`
    select form_id, owner_id, song_index from slots where id = ${args.slotId}`;
  if (!slot) throw new Refusal('not_found', `slot ${args.slotId} does not exist`);
  refuseOthers(slot, ctx.ownerId, `slot ${args.slotId}`);
  const form = await lockForm(tx, slot.form_id, ctx.ownerId);
  // Read under the form lock: a retry, a revision or a payment may have just changed things.
  const [now] = await tx<
    {
      variation_index: number;
      attempt: number;
      status: SlotStatus;
      is_current: boolean;
      title: string | null;
      music_prompt: string | null;
      music_style: string | null;
      lyrics: string | null;
    }[]
  >`
    select variation_index, attempt, status, is_current, title, music_prompt, music_style, lyrics
    from slots where id = ${args.slotId}`;
  if (form.status === 'paid') {
    throw new Refusal('state', 'These songs are paid for, so their versions can no longer change.');
  }
  if (!now!.is_current) {
    throw new Refusal('state', 'this version was already made again; change the newest one');
  }
  if (now!.status === 'queued' || now!.status === 'generating') {
    throw new Refusal('state', 'this version is still being made; change it once it is ready');
  }
  if (!now!.music_prompt) {
    throw new Refusal('state', 'this version has no lyrics yet to change; try it again instead');
  }
  const [used] = await tx<{ n: number }[]>`
    select count(*)::int as n from slots
    where form_id = ${form.id} and song_index = ${slot.song_index} and revised_from is not null`;
  if (used!.n >= REVISIONS_PER_SONG) {
    throw new Refusal(
      'limit',
      `each song includes ${REVISIONS_PER_SONG} changes before paying, and song ${slot.song_index + 1} has used them; choose among its versions`,
    );
  }
  const [song] = await tx<{ brief: { relationship: string; occasion: string } }[]>`
    select brief from songs where form_id = ${form.id} and song_index = ${slot.song_index}`;
  await tx`update slots set is_current = false, updated_at = now() where id = ${args.slotId}`;
  // A choice of the version being replaced no longer points at anything the cards show.
  await tx`delete from selections where slot_id = ${args.slotId}`;
  const next = await insertAttempt(
    tx,
    form.id,
    slot.song_index,
    now!.variation_index,
    now!.attempt + 1,
    song!.brief,
    ctx,
  );
  if (!next) throw new Error(`attempt ${now!.attempt + 1} of slot ${args.slotId} exists already`);
  const direction = args.direction?.trim() || null;
  await tx`
    update slots set title = ${now!.title}, music_style = ${now!.music_style},
      music_prompt = ${direction ? directedPrompt(now!.music_prompt, direction) : now!.music_prompt},
      lyrics = ${args.lyrics ?? now!.lyrics}, writer = 'person', revised_from = ${args.slotId},
      direction = ${direction}, updated_at = now()
    where id = ${next.id}`;
  await recordEvent(tx, next.id, form.id, 'revised', {
    previous: args.slotId,
    attempt: now!.attempt + 1,
    lyrics: args.lyrics !== undefined,
    direction,
  });
  await refreshProgress(tx, form.id);
  return {
    result: {
      slotId: next.id,
      attempt: now!.attempt + 1,
      revisionsLeft: REVISIONS_PER_SONG - used!.n - 1,
    },
    claimed: [next.id],
  };
};
