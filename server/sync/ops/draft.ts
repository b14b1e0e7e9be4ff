import type { OpArgsOf } from '../../../schema/ops.ts';
import {
  mergeDraft,
  getField,
  setField,
  type FieldStamps,
  type LostValue,
} from '../../../schema/draft-merge.ts';
import type { DraftDoc } from '../../../schema/draft.ts';
import type { FormStatus } from '../../../schema/status.ts';
import type { Sql, TransactionSql } from 'postgres';
import { Refusal } from '../../errors.ts';
import { jsonb } from '../../db/jsonb.ts';
import { recordWithEffect } from '../ledger.ts';
import type { OpContext, OpHandler, OpShortcut } from './types.ts';
import { refuseOthers } from '../../ownership.ts';

interface StoredDraft {
  owner_id: string;
  status: FormStatus;
  draft: DraftDoc;
  field_times: FieldStamps;
}

async function lockDraft(
  tx: TransactionSql,
  formId: string,
  ctx: OpContext,
): Promise<StoredDraft | undefined> {
  const [row] = await tx<StoredDraft[]>`
    select owner_id, status, draft, field_times from forms where id = ${formId} for update`;
  refuseOthers(row, ctx.ownerId, `form ${formId}`);
  if (row && row.status !== 'draft') {
    throw new Refusal('state', `form ${formId} was already submitted; its draft is frozen`);
  }
  return row;
}

async function saveDraft(
  tx: TransactionSql,
  formId: string,
  ctx: OpContext,
  merged: { draft: DraftDoc; stamps: FieldStamps; lost: LostValue[] },
) {
  await tx`
    update forms set draft = ${jsonb(tx, merged.draft)}, field_times = ${jsonb(tx, merged.stamps)},
      song_count = ${merged.draft.songCount}, updated_at = now()
    where id = ${formId}`;
  for (const l of merged.lost) {
    await tx`
      insert into draft_history (form_id, owner_id, field, value, field_time, op_id, lost_to_op)
      values (${formId}, ${ctx.ownerId}, ${l.field}, ${jsonb(tx, l.value ?? null)}, ${l.t}, ${l.op}, ${l.lostTo})`;
  }
}

/** A new form's first draft: every field as sent, nothing lost. */
function firstDraft(args: OpArgsOf<'draft.put'>, opId: string) {
  return mergeDraft(undefined, { draft: args.draft, fieldTimes: args.fieldTimes, opId });
}

/** Inserts the form with its first draft, written whole; returns no row when it exists. */
function insertForm(
  sql: Sql | TransactionSql,
  args: OpArgsOf<'draft.put'>,
  ownerId: string,
  first: { draft: DraftDoc; stamps: FieldStamps },
) {
  return sql`
    insert into forms (id, owner_id, song_count, draft, field_times)
    values (${args.formId}, ${ownerId}, ${first.draft.songCount}, ${jsonb(sql, first.draft)}, ${jsonb(sql, first.stamps)})
    on conflict (id) do nothing
    returning id`;
}

/**
 * draft.put of a form the server has not seen, the common first put: the form and the op's
 * ledger row in one statement. Undefined, having written nothing, when the form exists.
 */
export const putNewDraft: OpShortcut<OpArgsOf<'draft.put'>> = async (sql, args, op) => {
  const first = firstDraft(args, op.id);
  const result = { formId: args.formId, lost: 0 };
  const applied = await recordWithEffect(sql, op, result, insertForm(sql, args, op.ownerId, first));
  return applied ? { result } : undefined;
};

/** draft.put: merges a full draft field by field; values that lose go to draft_history. */
export const putDraft: OpHandler<OpArgsOf<'draft.put'>> = async (tx, args, ctx) => {
  let stored = await lockDraft(tx, args.formId, ctx);
  if (!stored) {
    const first = firstDraft(args, ctx.opId);
    const [made] = await insertForm(tx, args, ctx.ownerId, first);
    if (made) return { result: { formId: args.formId, lost: 0 } };
    // Two first puts of one new form raced: the insert waited for the other, this one merges.
    stored = await lockDraft(tx, args.formId, ctx);
  }
  // A form row made elsewhere may carry no draft yet.
  const existing = stored && Array.isArray(stored.draft.songs) ? stored : undefined;
  const merged = mergeDraft(existing && { draft: existing.draft, stamps: existing.field_times }, {
    draft: args.draft,
    fieldTimes: args.fieldTimes,
    opId: ctx.opId,
  });
  await saveDraft(tx, args.formId, ctx, merged);
  return { result: { formId: args.formId, lost: merged.lost.length } };
};

/** draft.restore: writes a value from history back as the newest write of its field. */
export const restoreDraft: OpHandler<OpArgsOf<'draft.restore'>> = async (tx, args, ctx) => {
  const stored = await lockDraft(tx, args.formId, ctx);
  if (!stored) throw new Refusal('not_found', `form ${args.formId} does not exist`);
  const [entry] = await tx<{ field: string; value: unknown }[]>`
    select field, value from draft_history where id = ${args.historyId} and form_id = ${args.formId}`;
  if (!entry) throw new Refusal('not_found', `no history entry ${args.historyId} for this form`);
  const draft = structuredClone(stored.draft);
  const [head, index] = entry.field.split('.');
  if (head === 'songs' && !draft.songs[Number(index)]) {
    throw new Refusal('state', `song ${Number(index) + 1} no longer exists`);
  }
  setField(draft, entry.field, entry.value);
  const newest = Math.max(Date.now(), (stored.field_times[entry.field]?.t ?? 0) + 1);
  const merged = mergeDraft(
    { draft: stored.draft, stamps: stored.field_times },
    {
      draft,
      fieldTimes: { [entry.field]: newest },
      opId: ctx.opId,
    },
  );
  await saveDraft(tx, args.formId, ctx, merged);
  return { result: { field: entry.field, value: getField(merged.draft, entry.field) } };
};
