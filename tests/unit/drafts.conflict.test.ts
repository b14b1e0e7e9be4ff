import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RefrainDb } from '../../client/data/db.ts';
import {
  createDraft,
  mergeServerDraft,
  setDraftField,
  settleConflict,
  TYPING_WINDOW_MS,
} from '../../client/data/drafts.ts';
import type { DraftDoc, FieldTimes } from '../../schema/draft.ts';

// Another device's edit arriving through the server, against a field typed into here.

let db: RefrainDb;
let formId: string;

beforeEach(async () => {
  db = new RefrainDb(`conflict-${crypto.randomUUID()}`);
  formId = await createDraft(db);
});

afterEach(async () => {
  db.close();
  await db.delete();
});

const local = async () => (await db.drafts.get(formId))!;
/** The story field has the focus here (and nothing else does). */
const story = (path: string) => path === 'songs.0.story';

/** The server's copy: this device's draft with `story` (and its stamp) from the other device. */
async function serverWith(
  story: string,
  t: number,
): Promise<{ draft: DraftDoc; fieldTimes: FieldTimes }> {
  const { draft, fieldTimes } = await local();
  const copy = structuredClone(draft);
  copy.songs[0]!.story = story;
  return { draft: copy, fieldTimes: { ...fieldTimes, 'songs.0.story': t } };
}

describe('a field changed on another device while it is typed here', () => {
  it('keeps what is typed and holds the other value aside', async () => {
    const typed = Date.now();
    await setDraftField(db, formId, 'songs.0.story', 'We met in Lisbon', typed);
    await mergeServerDraft(
      db,
      formId,
      await serverWith('We met in Porto', typed + 5),
      story,
      typed + 10,
    );
    const after = await local();
    expect(after.draft.songs[0]!.story).toBe('We met in Lisbon');
    expect(after.conflicts).toEqual({
      'songs.0.story': { value: 'We met in Porto', t: typed + 5 },
    });
  });

  it('"use theirs" takes the other value as the newest edit; "keep mine" keeps this one', async () => {
    const typed = Date.now();
    await setDraftField(db, formId, 'songs.0.story', 'Mine', typed);
    await mergeServerDraft(db, formId, await serverWith('Theirs', typed + 5), story, typed + 10);
    await settleConflict(db, formId, 'songs.0.story', 'theirs');
    let after = await local();
    expect(after.draft.songs[0]!.story).toBe('Theirs');
    expect(after.conflicts).toEqual({});
    expect(after.fieldTimes['songs.0.story']).toBeGreaterThan(typed + 5);
    // The queued draft.put carries the settled value, so the server ends with it too.
    const queued = await db.outbox.where('type').equals('draft.put').toArray();
    expect(queued.at(-1)?.args).toMatchObject({ draft: { songs: [{ story: 'Theirs' }] } });

    const again = Date.now();
    await setDraftField(db, formId, 'songs.0.story', 'Mine again', again);
    await mergeServerDraft(
      db,
      formId,
      await serverWith('Theirs again', again + 5),
      story,
      again + 10,
    );
    await settleConflict(db, formId, 'songs.0.story', 'mine');
    after = await local();
    expect(after.draft.songs[0]!.story).toBe('Mine again');
    expect(after.conflicts).toEqual({});
    expect(after.fieldTimes['songs.0.story']).toBeGreaterThan(again + 5);
  });

  it('a focused field not typed into lately follows the other device', async () => {
    const typed = Date.now();
    await setDraftField(db, formId, 'songs.0.story', 'Old words', typed);
    const later = typed + TYPING_WINDOW_MS + 1;
    await mergeServerDraft(db, formId, await serverWith('New words', later - 1), story, later);
    const after = await local();
    expect(after.draft.songs[0]!.story).toBe('New words');
    expect(after.conflicts ?? {}).toEqual({});
  });

  it('a held conflict clears itself once both sides agree', async () => {
    const typed = Date.now();
    await setDraftField(db, formId, 'songs.0.story', 'Draft one', typed);
    await mergeServerDraft(db, formId, await serverWith('Draft two', typed + 5), story, typed + 10);
    expect((await local()).conflicts).toHaveProperty(['songs.0.story']);
    // The person here types the same words the other device had.
    await setDraftField(db, formId, 'songs.0.story', 'Draft two', typed + 20);
    await mergeServerDraft(db, formId, await serverWith('Draft two', typed + 5), story, typed + 30);
    expect((await local()).conflicts).toEqual({});
  });

  it('a field that does not have the focus follows the other device, however recently typed', async () => {
    const typed = Date.now();
    await setDraftField(db, formId, 'songs.0.story', 'Typed, then left', typed);
    await mergeServerDraft(
      db,
      formId,
      await serverWith('Newer', typed + 5),
      () => false,
      typed + 10,
    );
    const after = await local();
    expect(after.draft.songs[0]!.story).toBe('Newer');
    expect(after.conflicts ?? {}).toEqual({});
  });

  it('a choice from a list is never held back', async () => {
    const typed = Date.now();
    await setDraftField(db, formId, 'songs.0.vocals', 'male', typed);
    const server = await serverWith('', typed);
    server.draft.songs[0]!.vocals = 'female';
    server.fieldTimes['songs.0.vocals'] = typed + 5;
    await mergeServerDraft(db, formId, server, () => true, typed + 10);
    const after = await local();
    expect(after.draft.songs[0]!.vocals).toBe('female');
    expect(after.conflicts ?? {}).toEqual({});
  });
});
