import { emptySong, SONG_FIELDS } from './draft-fields.ts';
import type { DraftDoc, FieldTimes } from './draft.ts';

/** When and by which op a field was last written; `op` breaks ties between equal times. */
// A type, not an interface: Zero's json<T>() column takes only what is sure to be JSON, and an
// interface (open to more members) is not.
export type FieldStamp = {
  t: number;
  op: string;
};
export type FieldStamps = Record<string, FieldStamp>;

/** A value that lost a merge; kept in draft_history so it can be restored. */
export interface LostValue {
  field: string;
  value: unknown;
  t: number;
  op: string;
  lostTo: string;
}

export interface MergeResult {
  draft: DraftDoc;
  stamps: FieldStamps;
  lost: LostValue[];
}

/** Every field path of a draft: `songCount`, `buyerEmail`, `songs.<i>.<field>`. */
export function fieldPaths(draft: DraftDoc): string[] {
  const paths = ['songCount', 'buyerEmail'];
  draft.songs.forEach((_, i) => SONG_FIELDS.forEach((f) => paths.push(`songs.${i}.${f}`)));
  return paths;
}

export function getField(draft: DraftDoc, path: string): unknown {
  const [head, index, field] = path.split('.');
  if (head !== 'songs') return (draft as Record<string, unknown>)[head!];
  return (draft.songs[Number(index)] as Record<string, unknown> | undefined)?.[field!];
}

/** Sets one field path (see fieldPaths), adding empty songs up to the one it names. */
export function setField(draft: DraftDoc, path: string, value: unknown): void {
  const [head, index, field] = path.split('.');
  if (head !== 'songs') {
    (draft as Record<string, unknown>)[head!] = value;
    return;
  }
  const i = Number(index);
  while (draft.songs.length <= i) draft.songs.push(emptySong());
  (draft.songs[i] as Record<string, unknown>)[field!] = value;
}

const beats = (a: FieldStamp, b: FieldStamp) => a.t > b.t || (a.t === b.t && a.op > b.op);

/**
 * Per-field last-writer-wins: a field takes the incoming value when its client time is later, or
 * equal with a greater op id (uuidv7 ids sort by creation). Whichever value loses, if it differs,
 * is returned in `lost`.
 */
export function mergeDraft(
  stored: { draft: DraftDoc; stamps: FieldStamps } | undefined,
  incoming: { draft: DraftDoc; fieldTimes: FieldTimes; opId: string },
): MergeResult {
  const draft: DraftDoc = structuredClone(stored?.draft ?? { songCount: 1, songs: [] });
  const stamps: FieldStamps = { ...stored?.stamps };
  const lost: LostValue[] = [];

  for (const path of fieldPaths(incoming.draft)) {
    const value = getField(incoming.draft, path);
    const mine: FieldStamp = { t: incoming.fieldTimes[path] ?? 0, op: incoming.opId };
    const theirs = stamps[path];
    const current = getField(draft, path);
    if (!theirs || beats(mine, theirs)) {
      if (theirs && current !== undefined && !sameValue(current, value)) {
        lost.push({ field: path, value: current, t: theirs.t, op: theirs.op, lostTo: mine.op });
      }
      if (value !== undefined) setField(draft, path, value);
      stamps[path] = mine;
    } else if (value !== undefined && !sameValue(current, value)) {
      lost.push({ field: path, value, t: mine.t, op: mine.op, lostTo: theirs.op });
    }
  }
  return { draft, stamps, lost };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
