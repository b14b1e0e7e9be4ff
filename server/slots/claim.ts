import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { SongBrief, type DraftDoc } from '../../schema/draft.ts';
import { Refusal } from '../errors.ts';
import type { FormStatus } from '../../schema/status.ts';
import { jsonb } from '../db/jsonb.ts';
import { presetsFor } from '../writer/index.ts';
import { recordEvent } from './events.ts';
import { refuseOthers } from '../ownership.ts';

export interface ClaimContext {
  ownerId: string;
  provider: string;
  workerId: string;
  leaseMs: number;
}

export interface FormRow {
  id: string;
  owner_id: string;
  status: FormStatus;
  song_count: number;
  draft: DraftDoc;
}

/** Locks the form for this transaction; every op on a form goes through here first, in one order. */
export async function lockForm(
  tx: TransactionSql,
  formId: string,
  ownerId: string,
): Promise<FormRow> {
  const [form] = await tx<FormRow[]>`
    select id, owner_id, status, song_count, draft from forms where id = ${formId} for update`;
  if (!form)
    throw new Refusal('not_found', `form ${formId} does not exist yet; sync its draft first`);
  refuseOthers(form, ownerId, `form ${formId}`);
  return form;
}

/**
 * Freezes a song's brief from the draft the first time anything asks for it. Later calls keep
 * the first freeze: songs already generating never change under a person's feet.
 */
export async function freezeSong(
  tx: TransactionSql,
  form: FormRow,
  songIndex: number,
): Promise<SongBrief> {
  const [frozen] = await tx<{ brief: SongBrief }[]>`
    select brief from songs where form_id = ${form.id} and song_index = ${songIndex}`;
  if (frozen) return frozen.brief;
  if (songIndex >= form.song_count) {
    throw new Refusal(
      'invalid',
      `song ${songIndex + 1} is beyond this form's ${form.song_count} song(s)`,
    );
  }
  const parsed = SongBrief.safeParse(form.draft.songs?.[songIndex] ?? {});
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => i.message).join('; ');
    throw new Refusal('invalid', `song ${songIndex + 1} is not ready: ${what}`);
  }
  await tx`
    insert into songs (form_id, song_index, owner_id, brief)
    values (${form.id}, ${songIndex}, ${form.owner_id}, ${jsonb(tx, parsed.data)})`;
  return parsed.data;
}

/**
 * Claims the first attempt of a slot. The unique keys on slots make this exactly-once under any
 * concurrency: only the transaction whose insert lands gets `claimed: true`, and only it may call
 * the provider, under the lease it just took.
 */
export async function claimSlot(
  tx: TransactionSql,
  form: FormRow,
  brief: SongBrief,
  songIndex: number,
  variationIndex: number,
  ctx: ClaimContext,
): Promise<{ slotId: string; claimed: boolean }> {
  const inserted = await insertAttempt(tx, form.id, songIndex, variationIndex, 1, brief, ctx);
  if (inserted) {
    await recordEvent(tx, inserted.id, form.id, 'claimed', {
      songIndex,
      variationIndex,
      preset: inserted.preset,
    });
    return { slotId: inserted.id, claimed: true };
  }
  const [current] = await tx<{ id: string }[]>`
    select id from slots
    where form_id = ${form.id} and song_index = ${songIndex} and variation_index = ${variationIndex} and is_current`;
  return { slotId: current!.id, claimed: false };
}

/**
 * Locks the form a slot belongs to. Every transaction that changes slots or takes takes its form's
 * lock first, as ops do, so locks are always taken in one order (form, then its rows) and two
 * writers of one form can never deadlock.
 */
export async function lockFormOfSlot(
  tx: TransactionSql,
  slotId: string,
): Promise<string | undefined> {
  const [row] = await tx<{ id: string }[]>`
    select f.id from forms f join slots s on s.form_id = f.id where s.id = ${slotId} for update of f`;
  return row?.id;
}

/**
 * Inserts one attempt of a slot, leased to this process, with the song's preset for its
 * variation (chosen from the relationship and the occasion). Answers nothing when the unique keys say that attempt exists already.
 */
export async function insertAttempt(
  tx: TransactionSql,
  formId: string,
  songIndex: number,
  variationIndex: number,
  attempt: number,
  song: { relationship: string; occasion: string },
  ctx: ClaimContext,
): Promise<{ id: string; preset: string } | undefined> {
  const preset = presetsFor(song)[variationIndex]!.id;
  const [row] = await tx<{ id: string }[]>`
    insert into slots (id, form_id, song_index, variation_index, attempt, owner_id, preset, provider,
                       lease_owner, lease_expires_at)
    values (${randomUUID()}, ${formId}, ${songIndex}, ${variationIndex}, ${attempt}, ${ctx.ownerId},
            ${preset}, ${ctx.provider}, ${ctx.workerId}, now() + ${ctx.leaseMs} * interval '1 millisecond')
    on conflict do nothing
    returning id`;
  return row && { id: row.id, preset };
}

/** Whether any slot of the form was ever claimed (by form.submit or generation.request). */
export async function hasSlots(tx: TransactionSql, formId: string): Promise<boolean> {
  const [row] = await tx`select 1 from slots where form_id = ${formId} limit 1`;
  return !!row;
}

/** Recomputes the form's progress and status from its current slots (SQL in 0002). */
export async function refreshProgress(tx: TransactionSql, formId: string): Promise<void> {
  await tx`select refresh_form_progress(${formId})`;
}
