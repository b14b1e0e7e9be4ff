import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { DraftDoc, SongDraft } from '../../schema/draft.ts';
import type { OpResult, SyncOp } from '../../schema/ops.ts';
import type { Guest } from './api.ts';

export const song = (overrides: Partial<SongDraft> = {}): SongDraft => ({
  recipient: 'Ana',
  relationship: 'wife',
  occasion: 'anniversary',
  story: 'We met at a bus stop in Lisbon in 2009 and she laughed at my umbrella.',
  genre: 'acoustic pop',
  mood: 'romantic',
  vocals: 'female',
  language: 'English',
  ...overrides,
});

export const draftOf = (songCount: number, buyerEmail?: string): DraftDoc => ({
  songCount,
  ...(buyerEmail ? { buyerEmail } : {}),
  songs: Array.from({ length: songCount }, (_, i) =>
    song({ recipient: ['Ana', 'Ben', 'Caro', 'Dev', 'Eli'][i]! }),
  ),
});

/** Times for every field of a draft, so a put claims them all. */
export function allFieldTimes(draft: DraftDoc, t = Date.now()): Record<string, number> {
  const times: Record<string, number> = { songCount: t };
  draft.songs.forEach((s, i) => Object.keys(s).forEach((f) => (times[`songs.${i}.${f}`] = t)));
  return times;
}

export const op = (type: string, args: unknown, id: string = uuidv7()): SyncOp => ({
  id,
  type,
  args,
});

export const ops = {
  draftPut: (formId: string, draft: DraftDoc, fieldTimes = allFieldTimes(draft)) =>
    op('draft.put', { formId, draft, fieldTimes }),
  submit: (formId: string) => op('form.submit', { formId }),
  request: (formId: string, songIndex: number, variationIndex: number) =>
    op('generation.request', { formId, songIndex, variationIndex }),
  retry: (slotId: string) => op('slot.retry', { slotId }),
  select: (formId: string, songIndex: number, slotId: string, take: 1 | 2) =>
    op('selection.set', { formId, songIndex, slotId, take }),
};

/** POSTs a batch to /api/sync and returns the per-op answers (throws on a non-200). */
export async function sync(
  guest: Guest,
  batch: SyncOp[],
  clientId = 'test-client',
): Promise<OpResult[]> {
  const res = await guest.fetch('/api/sync', {
    method: 'POST',
    body: JSON.stringify({ clientId, ops: batch }),
  });
  if (res.status !== 200) throw new Error(`/api/sync answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { results: OpResult[] }).results;
}

/** A new form with a draft of `songCount` songs, synced. */
export async function createForm(guest: Guest, songCount: number): Promise<string> {
  const formId = randomUUID();
  const [result] = await sync(guest, [ops.draftPut(formId, draftOf(songCount))]);
  if (result?.status !== 'applied') throw new Error(`draft.put: ${JSON.stringify(result)}`);
  return formId;
}
