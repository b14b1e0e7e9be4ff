// The draft's rules as plain data and functions, without zod: the app's first load (Home, the
// header, the outbox) needs them, and zod alone would be a tenth of that JavaScript. draft.ts
// builds its schemas from these, so each rule is written once; tests/unit/draft.fields.test.ts
// checks that the two agree. Nothing here imports draft.ts, not even its types: the rules come
// first and the schemas are built on them (draft.ts checks at compile time that the field names
// below are the schema's).

export const MAX_SONGS = 5;

/** Most characters each text field of a song holds; the form counts down near them. */
export const SONG_FIELD_MAX = {
  recipient: 120,
  pronunciation: 80,
  relationship: 120,
  occasion: 120,
  story: 10_000,
  genre: 80,
  mood: 80,
  language: 40,
} as const;

/**
 * What each field of a new song holds. A field not named here (occasionDate, pronunciation)
 * starts absent.
 */
export const SONG_DEFAULTS = {
  recipient: '',
  relationship: '',
  occasion: '',
  story: '',
  genre: '',
  mood: '',
  vocals: 'female',
  language: 'English',
} as const;

export const SONG_FIELDS = [
  'recipient',
  'pronunciation',
  'relationship',
  'occasion',
  'occasionDate',
  'story',
  'genre',
  'mood',
  'vocals',
  'language',
] as const;

/** A field of a song, as the form and the merge name it. */
export type SongField = (typeof SONG_FIELDS)[number];

/** The fields a song cannot be made without; the form marks them. */
export const REQUIRED_SONG_FIELDS: readonly SongField[] = ['recipient', 'occasion', 'story'];

/** The voices a song can be sung in; `none` is instrumental. */
export const VOCALS = ['female', 'male', 'none'] as const;

/** A new song's fields (draft.ts's SongDraft adds the ones that start absent). */
export interface NewSong {
  recipient: string;
  relationship: string;
  occasion: string;
  story: string;
  genre: string;
  mood: string;
  vocals: (typeof VOCALS)[number];
  language: string;
}

/** A song nothing has been written into yet: what `SongDraft.parse({})` gives. */
export const emptySong = (): NewSong => ({ ...SONG_DEFAULTS });

export const emptyDraft = (): { songCount: number; songs: NewSong[] } => ({
  songCount: 1,
  songs: [emptySong()],
});

/** Who a draft's songs are for, as a title: "Ana, Ben", or "Untitled". */
export const recipientsOf = (
  draft: { songCount: number; songs: readonly { recipient: string }[] } | undefined,
): string =>
  draft?.songs
    ?.slice(0, draft.songCount)
    .map((s) => s.recipient.trim())
    .filter(Boolean)
    .join(', ') || 'Untitled';

// A whole surrogate pair (kept), or a NUL or half of one (refused). Matching pairs first does what
// a lookbehind would, which Safari before 16.4 cannot parse: the app would not load there.
const PAIR_OR_UNSAVABLE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|\u0000|[\uD800-\uDFFF]/g;

/** Whether `text` holds a NUL or a lone surrogate: what Postgres and UTF-8 cannot store. */
export function hasUnsavableText(text: string): boolean {
  for (const [found] of text.matchAll(PAIR_OR_UNSAVABLE)) if (found.length === 1) return true;
  return false;
}

/** `text` without NULs and lone surrogates; everything else exactly as it was. */
export function withoutUnsavableText(text: string): string {
  return text.replace(PAIR_OR_UNSAVABLE, (found) => (found.length === 2 ? found : ''));
}

/**
 * A whole email address, as zod's `z.email()` checks it (zod 4's `z.regexes.email`): the buyer's
 * email in DraftDoc is checked with this same pattern.
 */
export const EMAIL_ADDRESS =
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/** Whether a buyer's email as typed so far is one the server takes (empty, or a whole address). */
export const isSendableEmail = (email: string | undefined): boolean =>
  email === undefined || email === '' || EMAIL_ADDRESS.test(email);
