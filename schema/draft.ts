import { z } from './zod.ts';
import { isCalendarDate } from './calendar.ts';
import {
  EMAIL_ADDRESS,
  hasUnsavableText,
  MAX_SONGS,
  SONG_DEFAULTS,
  SONG_FIELD_MAX,
  SONG_FIELDS,
  VOCALS,
  type NewSong,
} from './draft-fields.ts';

// The plain rules (limits, defaults, titles) live in draft-fields.ts, which the app's first load
// imports without zod; these are still imported from here by the server.
export { MAX_SONGS, recipientsOf } from './draft-fields.ts';

// The draft a person fills in. Every field is optional while drafting; submit checks completeness.
// Lengths are bounds, not targets: they keep one field from swallowing a request.
export const Vocals = z.enum(VOCALS);
export type Vocals = z.infer<typeof Vocals>;

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

/** A day a person may leave empty: '' or YYYY-MM-DD, refused in words a person understands. */
export const OptionalDay = z
  .string()
  .refine(
    (s) => s === '' || isCalendarDate(s),
    'that date is not a day on the calendar; pick it again',
  );

export const SongDraft = z.object({
  recipient: text(SONG_FIELD_MAX.recipient).default(SONG_DEFAULTS.recipient),
  /** How the name is said ("shi-VAWN"): sung in its place; absent from drafts made before it. */
  pronunciation: text(SONG_FIELD_MAX.pronunciation).optional(),
  relationship: text(SONG_FIELD_MAX.relationship).default(SONG_DEFAULTS.relationship),
  occasion: text(SONG_FIELD_MAX.occasion).default(SONG_DEFAULTS.occasion),
  // When the song is needed: it decides when, never what, so the words never depend on it.
  occasionDate: OptionalDay.optional(),
  story: text(SONG_FIELD_MAX.story).default(SONG_DEFAULTS.story),
  genre: text(SONG_FIELD_MAX.genre).default(SONG_DEFAULTS.genre),
  mood: text(SONG_FIELD_MAX.mood).default(SONG_DEFAULTS.mood),
  vocals: Vocals.default(SONG_DEFAULTS.vocals),
  language: text(SONG_FIELD_MAX.language).default(SONG_DEFAULTS.language),
});
export type SongDraft = z.infer<typeof SongDraft>;
// The plain field list (draft-fields.ts) names exactly this schema's fields, checked by tsc.
SONG_FIELDS satisfies readonly (keyof SongDraft)[];
true satisfies Exclude<keyof SongDraft, (typeof SONG_FIELDS)[number]> extends never ? true : false;
// A new song is a SongDraft, and a SongDraft has every field of a new song.
({}) as NewSong satisfies SongDraft;
({}) as SongDraft satisfies NewSong;

export const DraftDoc = z.object({
  songCount: z.number().int().min(1).max(MAX_SONGS),
  buyerEmail: z.union([z.email({ pattern: EMAIL_ADDRESS }), z.literal('')]).optional(),
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

export type SongBrief = z.infer<typeof SongBrief>;
