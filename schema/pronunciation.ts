import { z } from './zod.ts';

/** A name as the lyrics spell it, and how the singer is to say it: `{name: 'Siobhan', sung: 'shi-VAWN'}`. */
export interface SungName {
  name: string;
  sung: string;
}

/** Most characters of a name GET /api/pronounce looks up: a few words, never a paragraph. */
export const PRONOUNCE_NAME_MAX = 60;

/** GET /api/pronounce's query: the name to suggest a respelling for. */
export const PronounceQuery = z.object({
  name: z
    .string({ error: 'type the name first, then ask for a suggestion' })
    .trim()
    .min(1, 'type the name first, then ask for a suggestion')
    .max(
      PRONOUNCE_NAME_MAX,
      `a suggestion is made for a name of up to ${PRONOUNCE_NAME_MAX} characters`,
    )
    .regex(/\p{L}/u, 'a name needs at least one letter'),
});

/** Its answer: respellings the dictionary gives for the name, most common first; none when unknown. */
export const PronounceAnswer = z.object({
  name: z.string(),
  respellings: z.array(z.string()),
});
export type PronounceAnswer = z.infer<typeof PronounceAnswer>;
