import type postgres from 'postgres';
import { waitFor } from '../helpers/stack.ts';
import type { Device } from './device.ts';
import { retrying } from './facts.ts';
import type { Violation } from './history.ts';

/** An owner's rows as a device's Zero client shows them, or as Postgres holds them. */
interface OwnerRows {
  forms: {
    id: string;
    status: string;
    songCount: number;
    ready: number;
    total: number;
    draft: string;
  }[];
  slots: {
    id: string;
    formId: string;
    song: number;
    variation: number;
    attempt: number;
    status: string;
    error: string | null;
  }[];
  takes: {
    id: string;
    slotId: string;
    takeIndex: number | null;
    title: string | null;
    lyrics: string | null;
  }[];
  selections: { formId: string; song: number; slotId: string; takeIndex: number }[];
  orders: { id: string; formId: string; status: string }[];
}

/** JSON with sorted keys, so two equal documents compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const byKey = <T>(rows: T[], key: (r: T) => string) =>
  [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

function sorted(rows: OwnerRows): OwnerRows {
  return {
    forms: byKey(rows.forms, (r) => r.id),
    slots: byKey(rows.slots, (r) => r.id),
    takes: byKey(rows.takes, (r) => r.id),
    selections: byKey(rows.selections, (r) => `${r.formId}/${r.song}`),
    orders: byKey(rows.orders, (r) => r.id),
  };
}

function zeroRows(device: Device): OwnerRows {
  const rows: OwnerRows = { forms: [], slots: [], takes: [], selections: [], orders: [] };
  for (const f of device.forms.data) {
    rows.forms.push({
      id: f.id,
      status: f.status,
      songCount: f.songCount,
      ready: f.progressReady,
      total: f.progressTotal,
      draft: canonical(f.draft),
    });
    const form = device.formViews.get(f.id)?.data;
    for (const s of form?.slots ?? []) {
      rows.slots.push({
        id: s.id,
        formId: s.formId,
        song: s.songIndex,
        variation: s.variationIndex,
        attempt: s.attempt,
        status: s.status,
        error: s.error ?? null,
      });
      for (const t of s.takes)
        rows.takes.push({
          id: t.id,
          slotId: t.slotId,
          takeIndex: t.takeIndex ?? null,
          title: t.title ?? null,
          lyrics: t.lyrics ?? null,
        });
    }
    for (const sel of form?.selections ?? [])
      rows.selections.push({
        formId: sel.formId,
        song: sel.songIndex,
        slotId: sel.slotId,
        takeIndex: sel.takeIndex,
      });
  }
  for (const o of device.orders.data)
    rows.orders.push({ id: o.id, formId: o.formId, status: o.status });
  return sorted(rows);
}

async function sqlRows(sql: postgres.Sql, ownerId: string): Promise<OwnerRows> {
  return retrying(async () => {
    const forms = await sql`
      select id, status, song_count, progress_ready, progress_total, draft from forms where owner_id = ${ownerId}`;
    const slots = await sql`
      select id, form_id, song_index, variation_index, attempt, status, error from slots
      where owner_id = ${ownerId} and is_current`;
    const takes = await sql`
      select t.id, t.slot_id, t.take_index, t.title, t.lyrics from takes t join slots s on s.id = t.slot_id
      where t.owner_id = ${ownerId} and s.is_current`;
    const selections = await sql`
      select form_id, song_index, slot_id, take_index from selections where owner_id = ${ownerId}`;
    const orders = await sql`select id, form_id, status from orders where owner_id = ${ownerId}`;
    return sorted({
      forms: forms.map((f) => ({
        id: f.id,
        status: f.status,
        songCount: f.song_count,
        ready: f.progress_ready,
        total: f.progress_total,
        draft: canonical(f.draft),
      })),
      slots: slots.map((s) => ({
        id: s.id,
        formId: s.form_id,
        song: s.song_index,
        variation: s.variation_index,
        attempt: s.attempt,
        status: s.status,
        error: s.error,
      })),
      takes: takes.map((t) => ({
        id: t.id,
        slotId: t.slot_id,
        takeIndex: t.take_index,
        title: t.title,
        lyrics: t.lyrics,
      })),
      selections: selections.map((s) => ({
        formId: s.form_id,
        song: s.song_index,
        slotId: s.slot_id,
        takeIndex: s.take_index,
      })),
      orders: orders.map((o) => ({ id: o.id, formId: o.form_id, status: o.status })),
    });
  });
}

/** The first place where two row sets differ, in words; undefined when they are equal. */
export function firstDifference(postgresRows: OwnerRows, zero: OwnerRows): string | undefined {
  for (const table of Object.keys(postgresRows) as (keyof OwnerRows)[]) {
    const a: unknown[] = postgresRows[table];
    const b: unknown[] = zero[table];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = canonical(a[i]);
      const y = canonical(b[i]);
      if (x !== y)
        return `${table}[${i}]: Postgres has ${a[i] === undefined ? 'no row' : x}, Zero shows ${b[i] === undefined ? 'no row' : y} (${a.length} vs ${b.length} rows)`;
    }
  }
  return undefined;
}

/** Waits until every device's Zero view equals Postgres for its owner; a device that never gets there is a violation. */
export async function compareZeroViews(
  devices: Device[],
  sql: postgres.Sql,
  timeoutMs: number,
): Promise<Violation[]> {
  const out: Violation[] = [];
  await Promise.all(
    devices.map(async (device) => {
      let diff: string | undefined = 'not compared yet';
      try {
        await waitFor(
          async () => {
            device.watchNewForms();
            diff = firstDifference(await sqlRows(sql, device.guest.ownerId), zeroRows(device));
            // In these states a Zero client never retries by itself: waiting longer changes nothing.
            if (diff !== undefined && device.zeroStopped) throw new Error(diff);
            return diff === undefined;
          },
          timeoutMs,
          () => diff ?? '',
          250,
        );
      } catch {
        out.push({
          check: "every device's Zero view equals Postgres",
          message: `${device.name} (owner ${device.guest.ownerId}, Zero ${device.zeroState}): ${diff}`,
        });
        return;
      }
      // Equal for now, but a client that stopped would miss every later change: a wedged device.
      if (device.zeroStopped)
        out.push({
          check: "every device's Zero view equals Postgres",
          message: `${device.name} shows what Postgres holds, but its live sync stopped for good: Zero ${device.zeroState}`,
        });
    }),
  );
  return out;
}
