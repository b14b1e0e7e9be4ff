import { createHash } from 'node:crypto';
import type { Sql } from 'postgres';
import { z } from 'zod';
import { Refusal } from '../errors.ts';
import type { TakeIndex } from '../../schema/ops.ts';
import type { OrderItem } from '../../schema/orders.ts';
import type { SlotStatus } from '../../schema/status.ts';

interface ItemRow {
  song_index: number;
  slot_id: string;
  take_index: TakeIndex;
  status: SlotStatus;
  take_id: string | null;
  title: string | null;
}

const toItem = (r: ItemRow): OrderItem => ({
  songIndex: r.song_index,
  slotId: r.slot_id,
  take: r.take_index,
  takeId: r.take_id!,
  title: r.title,
});

/**
 * The person's current choice, one take per song, each from a ready slot. Refuses (409) with what
 * is missing, so the client can say which song still needs a choice.
 */
export async function selectedItems(
  sql: Sql,
  formId: string,
  songCount: number,
): Promise<OrderItem[]> {
  const rows = await sql<ItemRow[]>`
    select sel.song_index, sel.slot_id, sel.take_index, s.status, t.id as take_id,
           coalesce(t.title, s.title) as title
    from selections sel
    join slots s on s.id = sel.slot_id
    left join takes t on t.slot_id = sel.slot_id and t.take_index = sel.take_index
    where sel.form_id = ${formId}
    order by sel.song_index`;
  const items: OrderItem[] = [];
  for (let i = 0; i < songCount; i++) {
    const row = rows.find((r) => r.song_index === i);
    if (!row) throw new Refusal('state', `choose a take for song ${i + 1} before checking out`);
    if (row.status !== 'ready' || !row.take_id) {
      throw new Refusal(
        'state',
        `the take chosen for song ${i + 1} is not ready yet; choose a ready one`,
      );
    }
    items.push(toItem(row));
  }
  return items;
}

/**
 * The items a Checkout Session's metadata names (`slotIds` and `takes`, comma-separated, in song
 * order), for a paid session whose order this database has not seen. Undefined when they do not
 * all exist in the form.
 */
export async function itemsOfSession(
  sql: Sql,
  formId: string,
  slotIds: string[],
  takes: number[],
): Promise<OrderItem[] | undefined> {
  if (slotIds.length === 0 || slotIds.length !== takes.length) return undefined;
  const rows = await sql<ItemRow[]>`
    select s.song_index, s.id as slot_id, t.take_index, s.status, t.id as take_id,
           coalesce(t.title, s.title) as title
    from slots s join takes t on t.slot_id = s.id
    where s.form_id = ${formId} and s.id = any(${slotIds}::uuid[])`;
  const items = slotIds.map((slotId, i) =>
    rows.find((r) => r.slot_id === slotId && r.take_index === takes[i]),
  );
  if (items.some((r) => !r)) return undefined;
  return (items as ItemRow[]).map(toItem).sort((a, b) => a.songIndex - b.songIndex);
}

/** Names one choice of takes for one form; the live-order key and the idempotency key build on it. */
export function selectionHash(formId: string, items: OrderItem[]): string {
  const choice = items.map((i) => `${i.songIndex}:${i.slotId}:${i.take}`).join(',');
  return createHash('sha256').update(`${formId}|${choice}`).digest('hex');
}
