import { SongDraft, emptyDraft, type DraftDoc } from '../../schema/draft.ts';
import type { FieldStamps } from '../../schema/draft-merge.ts';
import { getField, setField } from '../../schema/draft-merge.ts';
import type { LocalDraft, RefrainDb } from './db.ts';
import { enqueue, queueDraftPut } from './outbox.ts';
import { cleanDraft, cleanValue } from './text.ts';

/** A new form: its id is made here, so it exists (and syncs) before the server ever sees it. */
export async function createDraft(db: RefrainDb, from?: DraftDoc): Promise<string> {
  const formId = crypto.randomUUID();
  const now = Date.now();
  const draft = from ? cleanDraft(structuredClone(from)) : emptyDraft();
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
        local.draft.songs.push(SongDraft.parse({}));
        Object.keys(local.draft.songs[i]!).forEach(
          (f) => (local.fieldTimes[`songs.${i}.${f}`] = Date.now()),
        );
      }
    }
    local.fieldTimes[path] = Math.max(at, (local.fieldTimes[path] ?? 0) + 1);
    local.updatedAt = Date.now();
    await db.drafts.put(local);
    await queueDraftPut(db, formId);
  });
}

/**
 * Merges the server's draft (another device's edits) into this device's copy with the server's
 * own rule: a field takes the server value when its stamp is newer than this device's time for
 * it. Nothing is queued for these: they came from the server.
 */
export async function mergeServerDraft(
  db: RefrainDb,
  formId: string,
  server: { draft: DraftDoc; fieldTimes: FieldStamps },
): Promise<void> {
  await db.transaction('rw', db.drafts, async () => {
    const local = await db.drafts.get(formId);
    if (!local) {
      const fieldTimes = Object.fromEntries(
        Object.entries(server.fieldTimes).map(([k, s]) => [k, s.t]),
      );
      const now = Date.now();
      await db.drafts.put({
        formId,
        draft: structuredClone(server.draft),
        fieldTimes,
        createdAt: now,
        updatedAt: now,
      });
      return;
    }
    let changed = false;
    for (const [path, stamp] of Object.entries(server.fieldTimes)) {
      if (stamp.t <= (local.fieldTimes[path] ?? -1)) continue;
      const value = getField(server.draft, path);
      if (value === undefined) continue;
      setField(local.draft, path, value);
      local.fieldTimes[path] = stamp.t;
      changed = true;
    }
    if (changed) {
      local.updatedAt = Date.now();
      await db.drafts.put(local);
    }
  });
}

/** Submits the form: queues the latest draft first, then the intent, in that order. */
export async function submitDraft(db: RefrainDb, formId: string): Promise<void> {
  await queueDraftPut(db, formId);
  await enqueue(db, 'form.submit', { formId }, formId);
}
