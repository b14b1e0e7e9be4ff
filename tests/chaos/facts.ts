import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type postgres from 'postgres';
import type { TakeFingerprint } from './journal.ts';
import type { System } from './system.ts';

/** What Postgres and the stand-in hold at the end of a run, for this run's owners only. */
export interface Facts {
  ledger: { id: string; owner_id: string; type: string; body_hash: string; result: any }[];
  slots: {
    id: string;
    form_id: string;
    owner_id: string;
    song_index: number;
    variation_index: number;
    attempt: number;
    is_current: boolean;
    status: string;
    error: string | null;
    resubmits: number;
    stored_takes: number;
  }[];
  /** generation_events per slot and kind ('claimed', 'retried'). */
  events: { slot_id: string; kind: string; n: number }[];
  history: { id: string; form_id: string; op_id: string | null; lost_to_op: string | null }[];
  stamps: { form_id: string; field: string; op: string | null }[];
  forms: { id: string; owner_id: string; status: string; song_count: number }[];
  selections: { form_id: string; song_index: number; slot_id: string; take_index: number }[];
  calls: { kind: string; n: number }[];
  orders: { id: string; form_id: string; status: string; song_count: number; items: any }[];
  unlocks: { form_id: string; take_id: string; order_id: string }[];
  provider: { accepted: number; attempts: number; tasksBySlot: Map<string, number> };
  /** The chosen takes now, of every form whose payment was fingerprinted. */
  paidTakesNow: Map<string, TakeFingerprint[]>;
}

/** Retries a read that a restart or a terminated connection cut short. */
export async function retrying<T>(read: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function gatherFacts(
  system: System,
  owners: string[],
  paidForms: string[],
): Promise<Facts> {
  const { sql } = system;
  const read = <T>(q: () => Promise<T>) => retrying(q);
  const ledger = await read(
    () => sql<Facts['ledger']>`
      select id, owner_id, type, body_hash, result from sync_ops where owner_id = any(${owners}::uuid[])`,
  );
  const slots = await read(
    () => sql<Facts['slots']>`
      select s.id, s.form_id, s.owner_id, s.song_index, s.variation_index, s.attempt, s.is_current,
             s.status, s.error, s.resubmits,
             (select count(*)::int from takes t where t.slot_id = s.id and t.audio_file is not null) as stored_takes
      from slots s where s.owner_id = any(${owners}::uuid[])`,
  );
  const events = await read(
    () => sql<Facts['events']>`
      select e.slot_id, e.kind, count(*)::int as n from generation_events e
      join slots s on s.id = e.slot_id
      where s.owner_id = any(${owners}::uuid[]) and e.kind in ('claimed', 'retried')
      group by 1, 2`,
  );
  const history = await read(
    () => sql<Facts['history']>`
      select id::text, form_id, op_id, lost_to_op from draft_history where owner_id = any(${owners}::uuid[])`,
  );
  const stamps = await read(
    () => sql<Facts['stamps']>`
      select f.id as form_id, s.key as field, s.value->>'op' as op
      from forms f, jsonb_each(f.field_times) s where f.owner_id = any(${owners}::uuid[])`,
  );
  const forms = await read(
    () => sql<Facts['forms']>`
      select id, owner_id, status, song_count from forms where owner_id = any(${owners}::uuid[])`,
  );
  const selections = await read(
    () => sql<Facts['selections']>`
      select form_id, song_index, slot_id, take_index from selections where owner_id = any(${owners}::uuid[])`,
  );
  const calls = await read(
    () => sql<Facts['calls']>`
      select c.kind, count(*)::int as n from provider_calls c join slots s on s.id = c.slot_id
      where s.owner_id = any(${owners}::uuid[]) group by 1`,
  );
  const orders = await read(
    () => sql<Facts['orders']>`
      select id, form_id, status, song_count, items from orders where owner_id = any(${owners}::uuid[])`,
  );
  const unlocks = await read(
    () => sql<Facts['unlocks']>`
      select form_id, take_id, order_id from unlocks where owner_id = any(${owners}::uuid[])`,
  );
  const { musicgpt } = system;
  const tasksBySlot = new Map<string, number>();
  for (const task of musicgpt.tasks.values()) {
    const slotId = /\/api\/webhooks\/musicgpt\/([0-9a-f-]{36})/.exec(
      String(task.body.webhook_url ?? ''),
    )?.[1];
    if (slotId) tasksBySlot.set(slotId, (tasksBySlot.get(slotId) ?? 0) + 1);
  }
  const paidTakesNow = new Map<string, TakeFingerprint[]>();
  for (const formId of paidForms)
    paidTakesNow.set(formId, await fingerprintTakes(sql, system.dataDir, formId));
  return {
    paidTakesNow,
    ledger,
    slots,
    events,
    history,
    stamps,
    forms,
    selections,
    calls,
    orders,
    unlocks,
    provider: { accepted: musicgpt.accepted, attempts: musicgpt.attempts, tasksBySlot },
  };
}

/** The chosen takes of a form as stored now: what a payment bought, and a hash of its audio. */
export async function fingerprintTakes(
  sql: postgres.Sql,
  dataDir: string,
  formId: string,
): Promise<TakeFingerprint[]> {
  const rows = await retrying(
    () => sql<(Omit<TakeFingerprint, 'audioHash'> & { audioFile: string | null })[]>`
      select sel.song_index as "songIndex", sel.slot_id as "slotId", sel.take_index as "takeIndex",
             t.id as "takeId", t.title, t.lyrics, t.audio_file as "audioFile"
      from selections sel join takes t on t.slot_id = sel.slot_id and t.take_index = sel.take_index
      where sel.form_id = ${formId} order by sel.song_index`,
  );
  return rows.map(({ audioFile, ...take }) => ({
    ...take,
    audioHash: audioFile ? hashFile(path.join(dataDir, 'audio', audioFile)) : null,
  }));
}

function hashFile(file: string): string | null {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}
