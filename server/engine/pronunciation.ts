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
  /** True when the count came from the dictionary, not from spelling rules. */
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
