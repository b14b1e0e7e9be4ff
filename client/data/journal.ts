import type { RefrainDb } from './db.ts';
import { setDraftField } from './drafts.ts';

/**
 * A synchronous safety net under IndexedDB. An IndexedDB write is asynchronous, and one still in
 * flight when the tab is closed or reloaded is lost; localStorage writes are synchronous. Each
 * edit is journalled here first and forgotten once IndexedDB committed it; whatever is left at
 * the next start is applied then, so a keystroke made a moment before closing the tab survives.
 */
const KEY = 'refrain.journal';

export interface JournalEntry {
  formId: string;
  path: string;
  value: unknown;
  t: number;
}

function read(): JournalEntry[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as JournalEntry[];
  } catch {
    return [];
  }
}

function write(entries: JournalEntry[]) {
  if (entries.length) localStorage.setItem(KEY, JSON.stringify(entries));
  else localStorage.removeItem(KEY);
}

const same = (a: JournalEntry, b: JournalEntry) =>
  a.formId === b.formId && a.path === b.path && a.t === b.t;

/** Records one edit and writes it to the draft; the journal entry goes once IndexedDB has it. */
export async function editDraft(
  db: RefrainDb,
  formId: string,
  path: string,
  value: unknown,
): Promise<void> {
  const entry: JournalEntry = { formId, path, value, t: Date.now() };
  // One entry per field: a newer keystroke replaces the older one.
  write([...read().filter((e) => !(e.formId === formId && e.path === path)), entry]);
  await setDraftField(db, formId, path, value, entry.t);
  write(read().filter((e) => !same(e, entry)));
}

/** Applies edits whose IndexedDB write never committed (the tab closed first). */
export async function replayJournal(db: RefrainDb): Promise<number> {
  const entries = read();
  for (const e of entries) {
    const local = await db.drafts.get(e.formId);
    if (local && (local.fieldTimes[e.path] ?? 0) >= e.t) continue;
    await setDraftField(db, e.formId, e.path, e.value, e.t);
  }
  write(read().filter((e) => !entries.some((done) => same(done, e))));
  return entries.length;
}
