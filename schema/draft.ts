import { z } from './zod.ts';
import { OptionalDay } from './calendar.ts';

// The draft a person fills in. Every field is optional while drafting; submit checks completeness.
// Lengths are bounds, not targets: they keep one field from swallowing a request.
export const Vocals = z.enum(['female', 'male', 'none']);
export type Vocals = z.infer<typeof Vocals>;

/** A NUL, or half of a UTF-16 surrogate pair (an emoji cut in two). */
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
 * Text a person typed, at most `max` characters. Postgres stores no NUL in text or jsonb, and a
 * lone surrogate is not Unicode at all: either would fail the save, so it is refused here.
 */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasUnsavableText(s), {
      error: (issue) =>
        String(issue.input).includes('\u0000')
          ? 'contains an invisible character (NUL) that cannot be saved; remove it and try again'
          : 'contains a broken character (half of an emoji) that cannot be saved; type it again',
    });

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

export const SongDraft = z.object({
  recipient: text(SONG_FIELD_MAX.recipient).default(''),
  /** How the name is said ("shi-VAWN"): sung in its place; absent from drafts made before it. */
  pronunciation: text(SONG_FIELD_MAX.pronunciation).optional(),
  relationship: text(SONG_FIELD_MAX.relationship).default(''),
  occasion: text(SONG_FIELD_MAX.occasion).default(''),
  // When the song is needed: it decides when, never what, so the words never depend on it.
  occasionDate: OptionalDay.optional(),
  story: text(SONG_FIELD_MAX.story).default(''),
  genre: text(SONG_FIELD_MAX.genre).default(''),
  mood: text(SONG_FIELD_MAX.mood).default(''),
  vocals: Vocals.default('female'),
  language: text(SONG_FIELD_MAX.language).default('English'),
});
export type SongDraft = z.infer<typeof SongDraft>;

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
] as const satisfies readonly (keyof SongDraft)[];

export const MAX_SONGS = 5;

export const DraftDoc = z.object({
  songCount: z.number().int().min(1).max(MAX_SONGS),
  buyerEmail: z.union([z.email(), z.literal('')]).optional(),
  songs: z.array(SongDraft).max(MAX_SONGS),
});
export type DraftDoc = z.infer<typeof DraftDoc>;

/** One field's value, as draft_history keeps a value that lost a merge. */
export type DraftFieldValue =
  | DraftDoc['songCount']
  | NonNullable<DraftDoc['buyerEmail']>
  | NonNullable<SongDraft[keyof SongDraft]>;

/**
 * Client timestamps (epoch ms) per field path: `songCount`, `buyerEmail`, `songs.<i>.<field>`.
 * The server merges drafts field by field with these.
 */
export const FieldTimes = z.record(
  z.string().regex(/^(songCount|buyerEmail|songs\.[0-4]\.[a-zA-Z]+)$/),
  z.number().int().nonnegative(),
);
export type FieldTimes = z.infer<typeof FieldTimes>;

/** A song brief ready to generate from: every field a writer needs is filled in. */
export const SongBrief = SongDraft.extend({
  recipient: z
    .string()
    .trim()
    .min(1, 'who the song is for is missing')
    .max(SONG_FIELD_MAX.recipient),
  occasion: z.string().trim().min(1, 'the occasion is missing').max(SONG_FIELD_MAX.occasion),
  story: z.string().trim().min(1, 'the story is missing').max(SONG_FIELD_MAX.story),
});

/** The fields a song cannot be made without; the form marks them. */
export const REQUIRED_SONG_FIELDS: readonly (keyof SongDraft)[] = [
  'recipient',
  'occasion',
  'story',
];
export type SongBrief = z.infer<typeof SongBrief>;

export const emptyDraft = (): DraftDoc => ({ songCount: 1, songs: [SongDraft.parse({})] });

/** Who a draft's songs are for, as a title: "Ana, Ben", or "Untitled". */
export const recipientsOf = (draft: DraftDoc | undefined): string =>
  draft?.songs
    ?.slice(0, draft.songCount)
    .map((s) => s.recipient.trim())
    .filter(Boolean)
    .join(', ') || 'Untitled';
