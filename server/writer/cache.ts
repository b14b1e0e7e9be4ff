import { createHash } from 'node:crypto';
import { WriterInputSchema, type FormBrief, type Writer, type WriterInput } from './types.ts';

// Written songs are cached by a key over everything that shapes the words and nothing else, so a
// retried generation reuses its text while any edit to the brief writes afresh.

/**
 * Order-form fields that reach the words. None do today: the song count only decides how many
 * songs are written, and the buyer's email must never influence (or be hashed into) the text key.
 * Add a field here the moment the writer starts reading it.
 */
export const FORM_FIELDS_IN_TEXT: readonly (keyof FormBrief)[] = [];

// Sorted keys at every depth, so property order in the caller's objects cannot change the key.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function writerCacheKey(
  input: WriterInput,
  writer: Pick<Writer, 'name' | 'model' | 'version'>,
): string {
  const { song, form, preset, songIndex } = WriterInputSchema.parse(input);
  const formInText = Object.fromEntries(FORM_FIELDS_IN_TEXT.map((k) => [k, form[k]]));
  const material = {
    song,
    form: formInText,
    preset,
    // The index seeds the local writer's choices, so two songs sharing a preset still differ.
    songIndex,
    writer: { name: writer.name, model: writer.model, version: writer.version },
  };
  return createHash('sha256').update(canonical(material)).digest('hex');
}
