import { emptyDraft, emptySong } from '../../schema/draft-fields.ts';
import type { DraftDoc, FieldTimes } from '../../schema/draft.ts';
import { getField, setField } from '../../schema/draft-merge.ts';
import type { FieldConflict, LocalDraft, RefrainDb } from './db.ts';
import { enqueue, queueDraftPut } from './outbox.ts';
import { cleanDraft, cleanValue } from './text.ts';

/** A new form: its id is made here, so it exists (and syncs) before the server ever sees it. */
export async function createDraft(db: RefrainDb, from?: DraftDoc): Promise<string> {
  const formId = crypto.randomUUID();
  const now = Date.now();
  const draft: DraftDoc = from ? cleanDraft(structuredClone(from)) : emptyDraft();
  const fieldTimes: Record<string, number> = { songCount: now };
  draft.songs.forEach((s, i) =>
    Object.keys(s).forEach((f) => (fieldTimes[`songs.${i}.${f}`] = now)),
  );
  if (draft.buyerEmail !== undefined) fieldTimes.buyerEmail = now;
  await db.drafts.put({ formId, draft, fieldTimes, createdAt: now, updatedAt: now });
  await queueDraftPut(db, formId);
  return formId;
}

/**
 * One field changed: written to IndexedDB at once with its time (text cleaned, see `cleanText`),
 * and the queued draft.put updated in the same transaction, so closing the tab a moment later
 * loses nothing.
 */
export async function setDraftField(
  db: RefrainDb,
  formId: string,
  path: string,
  value: unknown,
  at = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.drafts, db.outbox, async () => {
    const local = await db.drafts.get(formId);
    if (!local) return;
    setField(local.draft, path, cleanValue(value));
    if (path === 'songCount') {
      while (local.draft.songs.length < Number(value)) {
        const i = local.draft.songs.length;
        local.draft.songs.push(emptySong());
        Object.keys(local.draft.songs[i]!).forEach(
          (f) => (local.fieldTimes[`songs.${i}.${f}`] = Date.now()),
        );
      }
    }
    local.fieldTimes[path] = Math.max(at, (local.fieldTimes[path] ?? 0) + 1);
    local.typedAt = { ...local.typedAt, [path]: at };
    local.updatedAt = Date.now();
    await db.drafts.put(local);
    await queueDraftPut(db, formId);
  });
}

/**
 * A field counts as being typed here while it has the focus and was typed into within this long:
 * another device's newer value for it is then held back and offered, not written over it. A
 * field merely tapped into, or left long ago, follows the other device as before (what it held
 * stays restorable in the form's history on the server).
 */
export const TYPING_WINDOW_MS = 10 * 60_000;

/**
 * Merges the server's draft (another device's edits) into this device's copy with the server's
 * own rule: a field takes the server value when its edit time is newer than this device's time for
 * it — unless that field is being typed here (`hasFocus` says which field has the focus) and the
 * values differ: then the other value is kept
 * aside as a conflict for the person to settle (`settleConflict`), and what they typed stays.
 * Nothing is queued for these: they came from the server.
 */
export async function mergeServerDraft(
  db: RefrainDb,
  formId: string,
  server: { draft: DraftDoc; fieldTimes: FieldTimes },
  hasFocus: (path: string) => boolean = () => false,
  now = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.drafts, async () => {
    const local = await db.drafts.get(formId);
    if (!local) {
      await db.drafts.put({
        formId,
        draft: structuredClone(server.draft),
        fieldTimes: { ...server.fieldTimes },
        createdAt: now,
        updatedAt: now,
      });
      return;
    }
    let changed = false;
    const conflicts: Record<string, FieldConflict> = { ...local.conflicts };
    for (const [path, t] of Object.entries(server.fieldTimes)) {
      const value = getField(server.draft, path);
      if (value === undefined) continue;
      const mine = getField(local.draft, path);
      const agree = JSON.stringify(mine) === JSON.stringify(value);
      // Once both sides hold the same value, there is nothing left to settle.
      if (agree && conflicts[path]) {
        delete conflicts[path];
        changed = true;
      }
      if (t <= (local.fieldTimes[path] ?? -1)) continue;
      // Only typed text is held back: a choice from a list is made at once, not in progress.
      const typed = typeof mine === 'string' && typeof value === 'string' && !isChoice(path);
      const typing =
        typed && hasFocus(path) && now - (local.typedAt?.[path] ?? -Infinity) < TYPING_WINDOW_MS;
      if (!agree && typing) {
        const held = conflicts[path];
        if (held?.t !== t) {
          conflicts[path] = { value, t };
          changed = true;
        }
        continue;
      }
      setField(local.draft, path, value);
      local.fieldTimes[path] = t;
      delete conflicts[path];
      changed = true;
    }
    if (changed) {
      local.conflicts = conflicts;
      local.updatedAt = now;
      await db.drafts.put(local);
    }
  });
}

/** Fields picked from a list rather than typed. */
const isChoice = (path: string) => path === 'songCount' || path.endsWith('.vocals');

/**
 * Settles a held-back conflict: "mine" keeps what was typed here, "theirs" takes the other
 * device's value. Either is written as a new edit, so it is the newest everywhere; the value
 * that lost stays in the form's history on the server, restorable.
 */
export async function settleConflict(
  db: RefrainDb,
  formId: string,
  path: string,
  keep: 'mine' | 'theirs',
): Promise<void> {
  const local = await db.drafts.get(formId);
  const conflict = local?.conflicts?.[path];
  if (!local || !conflict) return;
  const value = keep === 'mine' ? getField(local.draft, path) : conflict.value;
  await setDraftField(db, formId, path, value, Math.max(Date.now(), conflict.t + 1));
  await db.transaction('rw', db.drafts, async () => {
    const latest = await db.drafts.get(formId);
    if (!latest?.conflicts?.[path]) return;
    const { [path]: _settled, ...rest } = latest.conflicts;
    latest.conflicts = rest;
    await db.drafts.put(latest);
  });
}

/** Submits the form: queues the latest draft first, then the intent, in that order. */
export async function submitDraft(db: RefrainDb, formId: string): Promise<void> {
  await queueDraftPut(db, formId);
  await enqueue(db, 'form.submit', { formId }, formId);
}
