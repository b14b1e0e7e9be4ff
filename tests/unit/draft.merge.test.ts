import { describe, expect, it } from 'vitest';
import { SongDraft, type DraftDoc } from '../../schema/draft.ts';
import { mergeDraft } from '../../schema/draft-merge.ts';

const song = (story: string) => SongDraft.parse({ recipient: 'Ana', occasion: 'birthday', story });
const doc = (story: string, songCount = 1): DraftDoc => ({ songCount, songs: [song(story)] });
const OP_A = '01900000-0000-7000-8000-00000000000a';
const OP_B = '01900000-0000-7000-8000-00000000000b';

describe('per-field last-writer-wins', () => {
  it('takes the later write of a field and keeps the earlier value as lost', () => {
    const first = mergeDraft(undefined, {
      draft: doc('we met in Lisbon'),
      fieldTimes: { 'songs.0.story': 100 },
      opId: OP_A,
    });
    const second = mergeDraft(first, {
      draft: doc('we met in Porto'),
      fieldTimes: { 'songs.0.story': 200 },
      opId: OP_B,
    });
    expect(second.draft.songs[0]!.story).toBe('we met in Porto');
    expect(second.lost).toEqual([
      { field: 'songs.0.story', value: 'we met in Lisbon', t: 100, op: OP_A, lostTo: OP_B },
    ]);
  });

  it('an older write arriving late loses, and its value is kept as lost', () => {
    const newer = mergeDraft(undefined, {
      draft: doc('newer'),
      fieldTimes: { 'songs.0.story': 200 },
      opId: OP_A,
    });
    const late = mergeDraft(newer, {
      draft: doc('older'),
      fieldTimes: { 'songs.0.story': 100 },
      opId: OP_B,
    });
    expect(late.draft.songs[0]!.story).toBe('newer');
    expect(late.lost).toEqual([
      { field: 'songs.0.story', value: 'older', t: 100, op: OP_B, lostTo: OP_A },
    ]);
  });

  it('breaks a tie of times by the greater op id, whatever the arrival order', () => {
    const a = { draft: doc('from A'), fieldTimes: { 'songs.0.story': 100 }, opId: OP_A };
    const b = { draft: doc('from B'), fieldTimes: { 'songs.0.story': 100 }, opId: OP_B };
    expect(mergeDraft(mergeDraft(undefined, a), b).draft.songs[0]!.story).toBe('from B');
    expect(mergeDraft(mergeDraft(undefined, b), a).draft.songs[0]!.story).toBe('from B');
  });

  it('merges how the name is said by its own time, and keeps a draft made before the field had it', () => {
    // A draft stored before the field existed has no pronunciation at all.
    const before = mergeDraft(undefined, {
      draft: doc('story'),
      fieldTimes: { 'songs.0.recipient': 100 },
      opId: OP_A,
    });
    expect(before.draft.songs[0]!.pronunciation).toBeUndefined();
    const phone = { ...doc('story'), songs: [{ ...song('story'), pronunciation: 'shi-VAWN' }] };
    const laptop = { ...doc('story'), songs: [{ ...song('story'), recipient: 'Siobhan' }] };
    expect('pronunciation' in laptop.songs[0]!).toBe(false);
    const one = mergeDraft(before, {
      draft: phone,
      fieldTimes: { 'songs.0.pronunciation': 300 },
      opId: OP_A,
    });
    const both = mergeDraft(one, {
      draft: laptop,
      fieldTimes: { 'songs.0.recipient': 200 },
      opId: OP_B,
    });
    expect(both.draft.songs[0]).toMatchObject({ recipient: 'Siobhan', pronunciation: 'shi-VAWN' });
    // The laptop's draft has no pronunciation (an app from before it): it erases nothing.
    expect(both.lost).toEqual([
      { field: 'songs.0.recipient', value: 'Ana', t: 100, op: OP_A, lostTo: OP_B },
    ]);
  });

  it('merges different fields from two devices without losing either', () => {
    const base = mergeDraft(undefined, { draft: doc('story'), fieldTimes: {}, opId: OP_A });
    const phone = { ...doc('phone story'), songs: [{ ...song('phone story'), mood: 'calm' }] };
    const laptop = { ...doc('story'), songs: [{ ...song('story'), genre: 'jazz' }] };
    const one = mergeDraft(base, {
      draft: phone,
      fieldTimes: { 'songs.0.story': 300, 'songs.0.mood': 300 },
      opId: OP_A,
    });
    const two = mergeDraft(one, {
      draft: laptop,
      fieldTimes: { 'songs.0.genre': 310 },
      opId: OP_B,
    });
    expect(two.draft.songs[0]).toMatchObject({ story: 'phone story', mood: 'calm', genre: 'jazz' });
  });

  it('a replay of the same write changes nothing and loses nothing', () => {
    const put = { draft: doc('same'), fieldTimes: { 'songs.0.story': 100 }, opId: OP_A };
    const once = mergeDraft(undefined, put);
    const twice = mergeDraft(once, put);
    expect(twice.draft).toEqual(once.draft);
    expect(twice.lost).toEqual([]);
  });

  it('merges the occasion date like any field: another device’s story keeps it, a later date wins', () => {
    const base = mergeDraft(undefined, { draft: doc('story'), fieldTimes: {}, opId: OP_A });
    const phone = { ...doc('story'), songs: [{ ...song('story'), occasionDate: '2026-12-12' }] };
    const dated = mergeDraft(base, {
      draft: phone,
      fieldTimes: { 'songs.0.occasionDate': 300 },
      opId: OP_A,
    });
    // The laptop's draft has no date at all (made before it was set, or by an older app).
    const laptop = mergeDraft(dated, {
      draft: doc('laptop story'),
      fieldTimes: { 'songs.0.story': 310 },
      opId: OP_B,
    });
    expect(laptop.draft.songs[0]).toMatchObject({
      story: 'laptop story',
      occasionDate: '2026-12-12',
    });
    expect(laptop.lost.map((l) => l.field)).toEqual(['songs.0.story']);

    const moved = {
      ...doc('laptop story'),
      songs: [{ ...song('laptop story'), occasionDate: '2026-12-19' }],
    };
    const later = mergeDraft(laptop, {
      draft: moved,
      fieldTimes: { 'songs.0.occasionDate': 320 },
      opId: OP_B,
    });
    expect(later.draft.songs[0]!.occasionDate).toBe('2026-12-19');
    expect(later.lost).toContainEqual({
      field: 'songs.0.occasionDate',
      value: '2026-12-12',
      t: 300,
      op: OP_A,
      lostTo: OP_B,
    });
  });
});
