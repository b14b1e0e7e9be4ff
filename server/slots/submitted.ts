import type { TransactionSql } from 'postgres';
import { jsonb } from '../db/jsonb.ts';
import { ENGINE_ACCOUNT } from '../providers/local.ts';

/** Who holds a slot's lease once its task is known. */
export type LeaseOnceSubmitted =
  /** This process renders the task itself: it holds the slot, while the slot is still live. */
  | { holder: string; ms: number }
  /** The task runs at the provider: nobody needs to hold the slot any more. */
  | 'release'
  /**
   * A provider named the task, from whichever process: an engine slot keeps the lease its
   * renderer holds (render-leases.ts), any other slot's lease ends. The slot's own row tells
   * which it is (`provider` is the account it was claimed for): data every process reads alike,
   * not this process's provider, which a delivery may reach without rendering anything.
   */
  | 'keep-engine-renders';

/**
 * Marks a slot submitted once its task is known: by the answer of its own call, or by a delivery
 * that names the task (its answer was lost: window b of docs/generation.md). The first task id
 * wins and the first submit time stays; a queued slot becomes generating, and a ready or failed
 * one keeps its status. Knowing the task ends the re-send window: the slot is never sent again.
 *
 * `conversionIds` come only with the call's own answer, which also ends the slot's wait for a
 * place (its card stops saying it waits); a delivery leaves both as they are.
 */
export async function markSubmitted(
  tx: TransactionSql,
  slotId: string,
  task: {
    taskId: string;
    conversionIds?: [string, string];
    lease: LeaseOnceSubmitted;
    /** When the provider expects the takes, in seconds from its answer (MusicGPT's `eta`). */
    etaSec?: number;
  },
): Promise<void> {
  const { lease, conversionIds, etaSec } = task;
  const live = tx`status in ('queued', 'generating')`;
  const [owner, expires] =
    lease === 'release'
      ? [tx`null`, tx`null`]
      : lease === 'keep-engine-renders'
        ? [
            tx`case when provider = ${ENGINE_ACCOUNT} then lease_owner end`,
            tx`case when provider = ${ENGINE_ACCOUNT} then lease_expires_at end`,
          ]
        : [
            tx`case when ${live} then ${lease.holder} end`,
            tx`case when ${live} then now() + ${lease.ms} * interval '1 millisecond' end`,
          ];
  const answered = conversionIds
    ? tx`conversion_ids = ${jsonb(tx, conversionIds)}, waiting_since = null,`
    : tx``;
  // An answer's estimate is data from outside: a day at most, and nothing that is not a number.
  const expected =
    etaSec === undefined || !(etaSec >= 0 && etaSec <= 86_400)
      ? tx``
      : tx`expected_ready_at = now() + ${Math.round(etaSec * 1000)} * interval '1 millisecond',`;
  await tx`
    update slots set task_id = coalesce(task_id, ${task.taskId}), ${answered} ${expected}
      status = case when status = 'queued' then 'generating' else status end,
      submitted_at = coalesce(submitted_at, now()),
      lease_owner = ${owner}, lease_expires_at = ${expires},
      updated_at = now()
    where id = ${slotId}`;
  if (conversionIds) {
    // A live stream may arrive before the call's answer (MusicGPT starts streaming at once); it
    // learns which take it is as soon as the answer names the takes. The delivery holds the
    // slot's row lock (recordTakesIn), so this runs after it commits and sees its row.
    await tx`
      update take_streams set take_index = case conversion_id
          when ${conversionIds[0]} then 1 when ${conversionIds[1]} then 2 end
      where slot_id = ${slotId} and take_index is null`;
  }
}
