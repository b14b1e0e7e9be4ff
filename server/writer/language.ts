import { onlyWords, titleCase, clamp } from './text.ts';

// Buyers type a language name or pick a code; both map to the English name used in the prompt.
const BY_CODE: Readonly<Record<string, string>> = {
  ar: 'Arabic',
  de: 'German',
  el: 'Greek',
  es: 'Spanish',
  fa: 'Persian',
  fr: 'French',
  he: 'Hebrew',
  hi: 'Hindi',
  id: 'Indonesian',
  it: 'Italian',
  ja: 'Japanese',
  ko: 'Korean',
  nl: 'Dutch',
  pl: 'Polish',
  pt: 'Portuguese',
  ru: 'Russian',
  sv: 'Swedish',
  tl: 'Tagalog',
  tr: 'Turkish',
  uk: 'Ukrainian',
  vi: 'Vietnamese',
  zh: 'Chinese',
};

const NAMES = new Set(Object.values(BY_CODE).map((n) => n.toLowerCase()));

const ENGLISH = /^(?:en|eng|english)(?:[\s_-]\w+)?$/i;

/**
 * The language to name in the prompt ("Spanish"), or null for English, which needs no mention.
 * Anything that is not a short run of letters is not a language and is ignored.
 */
export function languageName(raw: string): string | null {
  const words = onlyWords(raw, '-').replace(/\d+/g, ' ').trim();
  if (!words || ENGLISH.test(words)) return null;
  const code = words.toLowerCase().split(/[\s_-]/)[0] ?? '';
  const byCode = Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined;
  if (byCode && words.length <= 5) return byCode;
  // "Spanish please" or "in Spanish" names a language we know; prefer it over the raw words.
  const known = words.split(/\s+/).find((w) => NAMES.has(w.toLowerCase()));
  if (known) return titleCase(known.toLowerCase());
  const name = clamp(words.split(' ').slice(0, 3).join(' '), 30);
  return name ? titleCase(name.toLowerCase()) : null;
}
