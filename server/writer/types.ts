import { z } from 'zod';
import { Vocals, type SongBrief } from '../../schema/draft.ts';
import { VARIATION_IDS } from '../../schema/presets.ts';
import type { GroqRequestShape } from './models.ts';

/**
 * Output bounds. The prompt and lyrics limits were MusicGPT's V1 advice; V2 takes 1000 and 5000,
 * but the same text also feeds the built-in engine, which reads 280, so they stay Refrain's own.
 * Title and style bounds keep list views and provider tags tidy.
 */
export const LIMITS = {
  title: 80,
  musicPrompt: 280,
  musicStyle: 120,
  lyrics: 3000,
} as const;

// Inputs are unbounded strings on purpose: the writer must accept whatever a buyer typed and bound
// it itself, so a 10,000-character story is a normal input rather than a validation error. The
// shape is schema/draft.ts's SongBrief; only this check of it is looser. Two fields are left out on
// purpose, so parsing strips them from every writer input and from the cache key (cache.ts): the
// occasion's date says when a song is needed, and how the name is said changes what is sung, not
// the words; a changed date or respelling never writes again.
export const SongBriefSchema: z.ZodType<SongBrief> = z.object({
  recipient: z.string(),
  relationship: z.string(),
  occasion: z.string(),
  story: z.string(),
  genre: z.string(),
  mood: z.string(),
  vocals: Vocals,
  language: z.string(),
});

// Loose because the order form keeps growing; fields the writer does not know never reach the text.
export const FormBriefSchema = z.looseObject({
  songCount: z.number().int().min(1),
  buyerEmail: z.string().optional(),
});
export type FormBrief = z.infer<typeof FormBriefSchema>;

export const ToneSchema = z.enum([
  'romantic',
  'playful',
  'heartfelt',
  'tender',
  'reflective',
  'celebratory',
  'proud',
]);
export type Tone = z.infer<typeof ToneSchema>;

export const PresetSchema = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  /** Short style phrase appended to the genre, e.g. "romantic ballad". */
  style: z.string().min(1),
  mood: z.string().min(1),
  tempo: z.string().min(1),
  instrumentation: z.string().min(1),
  /** How the lead vocal is sung, e.g. "breathy and intimate". */
  delivery: z.string().min(1),
  /** Used when the buyer left the genre empty. */
  defaultGenre: z.string().min(1),
  /** Selects the lyric line bank. */
  tone: ToneSchema,
  /**
   * The nearest of the three standard variations, for consumers (music providers) that know
   * only those; a memorial's gentle preset is nearest to heartfelt, not to upbeat.
   */
  variation: z.enum(VARIATION_IDS),
});
export type Preset = z.infer<typeof PresetSchema>;

export const WriterInputSchema = z.object({
  song: SongBriefSchema,
  form: FormBriefSchema,
  preset: PresetSchema,
  songIndex: z.number().int().min(0),
});
export type WriterInput = z.infer<typeof WriterInputSchema>;

const VERSE_TAG = /^\[Verse(?: \d+)?\]$/m;
const CHORUS_TAG = /^\[Chorus\]$/m;

const singleLine = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n]/.test(s), 'must be a single line');

export const WriterOutputSchema = z.object({
  title: singleLine(LIMITS.title),
  musicPrompt: singleLine(LIMITS.musicPrompt),
  musicStyle: singleLine(LIMITS.musicStyle),
  lyrics: z
    .string()
    .min(1)
    .max(LIMITS.lyrics)
    .refine((s) => VERSE_TAG.test(s), 'lyrics need a [Verse] tag')
    .refine((s) => CHORUS_TAG.test(s), 'lyrics need a [Chorus] tag'),
});
export type WriterOutput = z.infer<typeof WriterOutputSchema>;

export type WriterName = 'local' | 'groq';

export type WriterResult = {
  output: WriterOutput;
  writer: WriterName;
  /** Set when the Groq writer could not deliver and the local writer wrote the song instead. */
  fellBack?: { reason: string };
  ms: number;
};

/** Which writer writes, and for Groq which model with which request shape; no secrets. */
export type WriterSummary =
  { name: 'local' } | { name: 'groq'; model: string; shape: GroqRequestShape };

export interface Writer {
  readonly name: WriterName;
  readonly model: string;
  readonly summary: WriterSummary;
  /** Bumped whenever templates or prompts change, so cached text from older wording is not reused. */
  readonly version: string;
  write(input: WriterInput): Promise<WriterResult>;
}
