// Lyrics arrive as plain text with [Verse]/[Chorus]/[Bridge] tags. The lead line needs one
// note per sung syllable, and a stressed syllable wants a strong beat, so each line becomes a
// list of syllables with a stress mark. Counts and stress come from a pronouncing dictionary;
// the spelling is only cut into that many pieces to label the notes.

import type { SungName } from '../../schema/pronunciation.ts';
import { pronounce, pronounceRespelling, type Pronunciation } from './pronunciation.ts';
import type { SectionKind } from './tables.ts';

export type { SectionKind };

export interface Syllable {
  text: string;
  /** 2 = primary stress of a content word, 1 = secondary, 0 = unstressed. */
  stress: 0 | 1 | 2;
  /** Last syllable of its word: a natural place for a slightly longer note. */
  wordEnd: boolean;
}

export interface LyricLine {
  text: string;
  syllables: Syllable[];
}

export interface LyricSection {
  kind: SectionKind;
  label: string;
  lines: LyricLine[];
}

const TAGS: readonly (readonly [RegExp, SectionKind])[] = [
  [/pre[-\s]?chorus|build/i, 'pre'],
  [/chorus|refrain|hook/i, 'chorus'],
  [/bridge|middle/i, 'bridge'],
  [/verse/i, 'verse'],
  [/intro/i, 'intro'],
  [/outro|coda|ending/i, 'outro'],
  [/solo|instrumental|interlude|break/i, 'solo'],
];

/** Words that are sung unstressed when they stand between content words. */
const FUNCTION_WORDS = new Set(
  (
    'a an the and or but so to of in on at by for from with as is am are was were be been ' +
    'it its i my me we our us you your he his him she her they their them this that these ' +
    'those do does did has have had will would can could shall should may might must not ' +
    "no if than then when while just oh la na da hey yeah ooh ah i'm you're it's we're " +
    "i've i'll you'll don't can't won't let's"
  ).split(' '),
);

/**
 * Names said another way than spelled, by their lower-case spelling: the tune gives "Siobhan" the
 * two notes of "shi-VAWN", stressed on the second, while the line keeps the spelling.
 */
export type HeardNames = ReadonlyMap<string, Pronunciation>;

export function heardNames(names: readonly SungName[] = []): HeardNames {
  return new Map(names.map((n) => [n.name.toLowerCase(), pronounceRespelling(n.sung)]));
}

/** How a name is heard, possessive or not ("siobhan's"); undefined for any other word. */
function heardAs(heard: HeardNames, word: string): Pronunciation | undefined {
  return heard.get(word) ?? heard.get(word.replace(/'s?$/, ''));
}

export function parseLyrics(text: string, heard: HeardNames = new Map()): LyricSection[] {
  const sections: LyricSection[] = [];
  let current: LyricSection | null = null;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const tag = /^\[([^\]]*)\]$/.exec(line) ?? /^\(([^)]*)\)$/.exec(line);
    if (tag) {
      const label = (tag[1] ?? '').trim();
      const kind = TAGS.find(([re]) => re.test(label))?.[1] ?? 'verse';
      current = { kind, label: label || kind, lines: [] };
      sections.push(current);
      continue;
    }
    const clean = line.replace(/\[[^\]]*\]|\([^)]*\)/g, ' ').trim();
    const syllables = lineSyllables(clean, heard);
    if (syllables.length === 0) continue;
    if (!current) {
      current = { kind: 'verse', label: 'verse', lines: [] };
      sections.push(current);
    }
    current.lines.push({ text: clean, syllables });
  }
  return sections.filter((s) => s.lines.length > 0);
}

export function lineSyllables(line: string, heard: HeardNames = new Map()): Syllable[] {
  const words = line
    .toLowerCase()
    .replace(/[“”"]/g, '')
    .replace(/[‘’]/g, "'")
    .split(/[^a-z0-9'À-ɏ-]+/i)
    .flatMap((w) => w.split('-'))
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => /[a-z0-9À-ɏ]/i.test(w));
  const out: Syllable[] = [];
  for (const word of words) {
    const named = heardAs(heard, word);
    const parts = named ? fitPieces(spellingPieces(word), named.syllables) : splitWord(word);
    const fn = !named && FUNCTION_WORDS.has(word);
    const said = named ?? (/^[0-9]+$/.test(word) ? null : pronounce(word));
    const primary =
      said && said.primary >= 0 && said.primary < parts.length
        ? said.primary
        : primaryStressIndex(word, parts.length);
    parts.forEach((part, i) => {
      let stress: 0 | 1 | 2;
      if (parts.length === 1) stress = fn ? 0 : 2;
      else if (i === primary) stress = 2;
      else if (said?.known) stress = said.secondary.includes(i) ? 1 : 0;
      else stress = i === 0 ? 1 : 0;
      out.push({ text: part, stress, wordEnd: i === parts.length - 1 });
    });
  }
  return out;
}

/** For words outside the dictionary: English mostly stresses the first syllable; suffixes move it. */
function primaryStressIndex(word: string, count: number): number {
  if (/(tion|sion|ic|ity|ial|ian|ious)$/.test(word) && count >= 2) return count - 2;
  if (/^(be|a|re|de|for|to|un)[a-z]{3,}/.test(word) && count === 2) return 1;
  return 0;
}

const VOWELS = 'aeiouyàáâäèéêëìíîïòóôöùúûü';

/** Splits a word into as many pieces as the dictionary hears syllables in it. */
export function splitWord(word: string): string[] {
  if (/^[0-9]+$/.test(word)) return numberSyllables(word);
  return fitPieces(spellingPieces(word), pronounce(word).syllables);
}

/** Merges or cuts spelling pieces until there are `count` of them. */
function fitPieces(pieces: string[], count: number): string[] {
  const out = [...pieces];
  while (out.length > count && out.length > 1) {
    // The shortest neighbouring pair merges: "fa-des" becomes "fades".
    let at = 0;
    for (let i = 1; i + 1 < out.length; i++)
      if (
        (out[i] as string).length + (out[i + 1] as string).length <
        (out[at] as string).length + (out[at + 1] as string).length
      )
        at = i;
    out.splice(at, 2, `${out[at] as string}${out[at + 1] as string}`);
  }
  while (out.length < count) {
    let at = 0;
    for (let i = 1; i < out.length; i++)
      if ((out[i] as string).length > (out[at] as string).length) at = i;
    const piece = out[at] as string;
    const cut = Math.max(1, Math.floor(piece.length / 2));
    out.splice(at, 1, piece.slice(0, cut), piece.slice(cut) || piece);
  }
  return out;
}

/** Cuts a word at its vowel groups, with English fixes; a first guess that fitPieces corrects. */
function spellingPieces(word: string): string[] {
  const w = word.replace(/'/g, '');
  if (w.length <= 3) return [word];
  const groups: { start: number; end: number }[] = [];
  let i = 0;
  while (i < w.length) {
    const ch = w[i] as string;
    // "qu" is a consonant sound, and a leading "y" is one too ("you", "yes").
    const vowel =
      VOWELS.includes(ch) && !(ch === 'y' && i === 0) && !(ch === 'u' && w[i - 1] === 'q');
    if (vowel) {
      const start = i;
      while (i < w.length && VOWELS.includes(w[i] as string)) i++;
      groups.push({ start, end: i });
    } else i++;
  }
  // A silent "e" before a suffix of a compound ("lovely", "sometimes", "careful").
  for (let g = groups.length - 2; g >= 1; g--) {
    const grp = groups[g] as { start: number; end: number };
    if (w.slice(grp.start, grp.end) !== 'e' || grp.start < 2) continue;
    if (/^(ly|ful|fully|less|ment|ments|ness|times?|where|thing|body)$/.test(w.slice(grp.end)))
      groups.splice(g, 1);
  }
  // Silent final "e" ("love", "time") and "es"/"ed" endings that do not add a syllable.
  const last = groups[groups.length - 1];
  if (groups.length > 1 && last) {
    const tail = w.slice(last.start);
    const before = w[last.start - 1] ?? '';
    if (tail === 'e' && !(before === 'l' && !VOWELS.includes(w[last.start - 2] ?? 'a')))
      groups.pop();
    else if (
      (tail === 'es' || tail === 'ed') &&
      !/[tdszxg]|ch|sh/.test(w.slice(last.start - 2, last.start))
    )
      groups.pop();
  }
  // Vowel pairs that are usually two syllables ("ri-a", "li-on", "cre-ate").
  for (let g = 0; g < groups.length; g++) {
    const grp = groups[g] as { start: number; end: number };
    const seg = w.slice(grp.start, grp.end);
    const before = w[grp.start - 1] ?? '';
    const after = w.slice(grp.end);
    // "-tion", "-sion", "-cial" keep their vowel pair together.
    const bound = /[tscx]/.test(before) && /^(ia|io|iu)$/.test(seg);
    const twoSounds =
      /^(ia|io|eo|ua|uo|iu)$/.test(seg) ||
      (seg === 'ea' && /^te?$/.test(after)) ||
      (seg === 'ie' && /^t/.test(after));
    if (seg.length === 2 && twoSounds && !bound) {
      groups.splice(g + 1, 0, { start: grp.start + 1, end: grp.end });
      grp.end = grp.start + 1;
      g++;
    }
  }
  if (groups.length <= 1) return [word];
  const parts: string[] = [];
  let cut = 0;
  for (let g = 0; g < groups.length - 1; g++) {
    const a = groups[g] as { start: number; end: number };
    const b = groups[g + 1] as { start: number; end: number };
    const consonants = b.start - a.end;
    const split = a.end + (consonants <= 1 ? 0 : Math.floor(consonants / 2));
    parts.push(w.slice(cut, split));
    cut = split;
  }
  parts.push(w.slice(cut));
  return parts.filter((p) => p.length > 0);
}

function numberSyllables(digits: string): string[] {
  const n = Number(digits);
  if (n >= 1900 && n <= 2099) return ['twen', 'ty', ...digits.slice(2).split('')].slice(0, 4);
  const table = [1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 3, 1, 2, 2, 2, 2, 3, 2, 2];
  const count = n < 20 ? (table[n] ?? 2) : n < 100 ? 3 : 4;
  return Array.from({ length: count }, (_, i) => `${digits}.${i}`);
}

export function syllableCount(line: string): number {
  return lineSyllables(line).length;
}
