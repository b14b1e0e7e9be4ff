// Character-level hygiene shared by brief cleaning and output finalising.

// Format characters can reorder or hide text (bidi overrides and isolates, zero-width spaces);
// only ZWNJ and ZWJ are kept because Persian words and emoji sequences need them.
const HIDDEN = /[\p{Cc}\p{Co}]|(?![\u200C\u200D])\p{Cf}/gu;
// Characters that carry structure in JSON, markdown, HTML or lyric tags rather than meaning.
const MARKUP = /[[\]{}<>`*#|\\_~^]/g;
// Anything shaped like a section tag, e.g. "[Chorus]" or "[Verse 2: softly]".
const BRACKETED = /\[[^\]\n]{0,60}\]/g;
// Bare tag words with a colon, the other way people (and models) fake song structure.
const TAG_WORD =
  /(?<![\p{L}\p{N}])(?:intro|verse|pre-?chorus|chorus|bridge|outro|hook|refrain)(?:\s*\d{1,2})?\s*:/giu;

// Lone surrogates are not text; they break JSON encoders and some databases downstream.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Words that mark text aimed at a machine rather than a story about a person.
export const META =
  /(?<![\p{L}])(?:ignore|ignoring|disregard|instructions?|prompts?|system|assistant|output|json|previous|override|jailbreak|developer|rules|format|respond|response|schema|tokens?|api|model|chatgpt|gpt|llm|ai)(?![\p{L}])/iu;

// Narrower than META, for model output: phrases that try to steer the next model in the chain
// (MusicGPT reads the prompt and lyrics) rather than describe music.
const INJECTION =
  /\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|rules|prompts?|above|previous|everything)\b|\b(?:system prompt|developer mode|jailbreak|as an ai|language model|prompt injection)\b/i;

export function isInjection(text: string): boolean {
  return INJECTION.test(text);
}

/** Drops whole sentences that try to instruct a model. */
export function withoutInjection(text: string): string {
  if (!INJECTION.test(text)) return text;
  return (text.match(/[^.!?]+[.!?]*\s*/g) ?? [])
    .filter((sentence) => !INJECTION.test(sentence))
    .join('')
    .trim();
}

// Where a one-value field stops being that value: structure characters or instruction words.
const STRUCTURE = /["{}[\]<>`|\\\n\r]/;

/** The part of a short field (a name, a genre) before anything that looks like injected structure. */
export function valuePart(text: string): string {
  const beforeStructure = text.split(STRUCTURE)[0] ?? '';
  const meta = META.exec(beforeStructure);
  return meta ? beforeStructure.slice(0, meta.index) : beforeStructure;
}

/** Removes invisible and control characters and lone surrogates. */
export function stripHidden(text: string): string {
  return text.replace(LONE_SURROGATE, '').replace(HIDDEN, ' ');
}

/** One line of plain words: no markup, no tag lookalikes, no line breaks, single spaces. */
export function plainLine(text: string): string {
  return stripHidden(text.normalize('NFKC'))
    .replace(BRACKETED, ' ')
    .replace(TAG_WORD, ' ')
    .replace(MARKUP, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Keeps only letters, marks, digits, spaces and the given punctuation. */
export function onlyWords(text: string, punctuation = "'-"): string {
  const escaped = punctuation.replace(/[\]\\^-]/g, '\\$&');
  const other = new RegExp(`[^\\p{L}\\p{M}\\p{N}\\s${escaped}]`, 'gu');
  return text.replace(/[’‘]/g, "'").replace(other, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Shortens to at most `max` UTF-16 units, preferring a word boundary and never splitting a
 * surrogate pair. UTF-16 length is never below the code-point count providers limit on.
 */
export function clamp(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max;
  const space = text.lastIndexOf(' ', max);
  if (space >= max * 0.6) cut = space;
  else if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut -= 1;
  return text
    .slice(0, cut)
    .replace(/[\s,;:–—-]+$/u, '')
    .trim();
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const SMALL_WORDS = new Set([
  'a',
  'an',
  'and',
  'as',
  'at',
  'by',
  'for',
  'in',
  'of',
  'on',
  'or',
  'the',
  'to',
]);

export function titleCase(text: string): string {
  return text
    .split(' ')
    .map((word, i) => (i > 0 && SMALL_WORDS.has(word.toLowerCase()) ? word : capitalise(word)))
    .join(' ');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The lowercased last word of a line, ignoring trailing punctuation. */
export function lastWord(line: string): string {
  const words = line
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s-]/gu, ' ')
    .trim()
    .split(/\s+/);
  return (words[words.length - 1] ?? '').replace(/^'+|'+$/g, '');
}
