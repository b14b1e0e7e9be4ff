import { z } from 'zod';

// The draft a person fills in. Every field is optional while drafting; submit checks completeness.
// Lengths are bounds, not targets: they keep one field from swallowing a request.
export const Vocals = z.enum(['female', 'male', 'none']);

export const SongDraft = z.object({
  recipient: z.string().max(120).default(''),
  relationship: z.string().max(120).default(''),
  occasion: z.string().max(120).default(''),
  story: z.string().max(10_000).default(''),
  genre: z.string().max(80).default(''),
  mood: z.string().max(80).default(''),
  vocals: Vocals.default('female'),
  language: z.string().max(40).default('English'),
});
export type SongDraft = z.infer<typeof SongDraft>;

export const SONG_FIELDS = [
  'recipient',
  'relationship',
  'occasion',
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

/**
 * Client timestamps (epoch ms) per field path: `songCount`, `buyerEmail`, `songs.<i>.<field>`.
 * The server merges drafts field by field with these.
 */
export const FieldTimes = z.record(
  z.string().regex(/^(songCount|buyerEmail|songs\.[0-4]\.[a-z]+)$/),
  z.number().int().nonnegative(),
);
export type FieldTimes = z.infer<typeof FieldTimes>;

/** A song brief ready to generate from: every field a writer needs is filled in. */
export const SongBrief = SongDraft.extend({
  recipient: z.string().trim().min(1, 'who the song is for is missing').max(120),
  occasion: z.string().trim().min(1, 'the occasion is missing').max(120),
  story: z.string().trim().min(1, 'the story is missing').max(10_000),
});
export type SongBrief = z.infer<typeof SongBrief>;

export const emptyDraft = (): DraftDoc => ({ songCount: 1, songs: [SongDraft.parse({})] });
