import type { Sql, TransactionSql } from 'postgres';
import { jsonb } from '../db/jsonb.ts';

export type GenerationEventKind =
  | 'requested'
  | 'claimed'
  | 'written'
  | 'fallback'
  | 'submitted'
  | 'resubmitted'
  | 'polled'
  | 'completed'
  | 'failed'
  | 'retried'
  | 'resumed'
  | 'revised';

/** Appends one analytics event for a slot. */
export async function recordEvent(
  sql: Sql | TransactionSql,
  slotId: string,
  formId: string | null,
  kind: GenerationEventKind,
  detail: Record<string, unknown> = {},
  ms?: number,
): Promise<void> {
  await sql`
    insert into generation_events (slot_id, form_id, kind, ms, detail)
    values (${slotId}, ${formId}, ${kind}, ${ms === undefined ? null : Math.round(ms)}, ${jsonb(sql, detail)})`;
}
