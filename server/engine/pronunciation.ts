// How many syllables a sung word has and which one carries the stress, from the CMU
// Pronouncing Dictionary (134,000 words in ARPAbet, each vowel marked 0, 1 or 2 for stress);
// words outside it are counted by the `syllable` package's English rules.
//
// The dictionary is a large module (4.6 MB of source, about 20 MB of heap once parsed, 150–500 ms
// to load depending on machine load). It is ESM-only, so a synchronous planner cannot load it on
// first use; it is imported once per process (or worker) with the engine.

import { dictionary } from 'cmu-pronouncing-dictionary';
import { syllable } from 'syllable';

export interface Pronunciation {
  syllables: number;
  /** Index of the syllable with primary stress, -1 when none is marked. */
  primary: number;
  /** Indexes of syllables with secondary stress. */
  secondary: number[];
  /** True when the count and stress were heard (the dictionary, a respelling), not guessed from spelling. */
  known: boolean;
}

/** The dictionary's first pronunciation of a lower-case word, or the spelling rules' count. */
export function pronounce(word: string): Pronunciation {
  const w = word.toLowerCase();
  const phones = dictionary[w] ?? dictionary[w.replace(/'/g, '')];
  if (phones) {
    const stresses = phones
      .split(' ')
      .map((p) => p.at(-1) ?? '')
      .filter((d) => d === '0' || d === '1' || d === '2');
    if (stresses.length > 0)
      return {
        syllables: stresses.length,
        primary: stresses.indexOf('1'),
        secondary: stresses.flatMap((d, i) => (d === '2' ? [i] : [])),
        known: true,
      };
  }
  return { syllables: Math.max(1, syllable(w)), primary: -1, secondary: [], known: false };
}

/**
 * How a respelling the person gave is heard ("shi-VAWN", "NEEV", "shyow ming"): one syllable per
 * piece between hyphens or spaces, the piece in capitals stressed. A single piece is counted by
 * the spelling rules, as a word the dictionary does not know.
 */
export function pronounceRespelling(sung: string): Pronunciation {
  const pieces = sung.split(/[\s-]+/).filter((p) => /\p{L}/u.test(p));
  if (pieces.length === 0) return { syllables: 1, primary: -1, secondary: [], known: false };
  const isCapital = (p: string) => p === p.toUpperCase() && p !== p.toLowerCase();
  if (pieces.length === 1) {
    const count = Math.max(1, syllable(pieces[0]!.toLowerCase()));
    return { syllables: count, primary: count === 1 ? 0 : -1, secondary: [], known: false };
  }
  const capitals = pieces.flatMap((p, i) => (isCapital(p) ? [i] : []));
  // All in capitals says nothing about stress; neither does none.
  const primary = capitals.length > 0 && capitals.length < pieces.length ? capitals[0]! : -1;
  return {
    syllables: pieces.length,
    primary,
    secondary: [],
    known: primary >= 0,
  };
}
