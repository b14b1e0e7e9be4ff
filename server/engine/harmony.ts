// Chooses the song's progressions and voices chords for each part. Voicings follow the
// previous chord (smallest total movement), which is what keeps block chords from jumping
// around like a chord chart being read aloud.

import { COLOURS, PROGRESSIONS, type ProgressionPool } from './progressions.ts';
import type { Rng } from './random.ts';
import type { Style } from './style.ts';
import {
  chordIntervals,
  chordPitchClasses,
  chordRoot,
  chordThird,
  parseNumeral,
  type Chord,
  type Key,
} from './theory.ts';

export interface Harmony {
  verse: Chord[];
  chorus: Chord[];
  bridge: Chord[];
  pre: Chord[];
}

function colourChord(chord: Chord, colourId: string, rng: Rng): Chord {
  if (chord.ext !== '' || chord.quality === 'dim' || chord.quality === 'aug') return chord;
  if (chord.quality !== 'maj' && chord.quality !== 'min') return chord;
  const colour = COLOURS[colourId] ?? COLOURS.plain;
  if (!colour) return chord;
  const fn = chord.quality === 'min' ? 'min' : chord.degree === 7 ? 'dom' : 'maj';
  const choice = rng.weighted(colour[fn]);
  if (choice === 'sus2' || choice === 'sus4' || choice === 'pow')
    return { ...chord, quality: choice };
  if (chord.quality === 'min' && (choice === 'maj7' || choice === 'maj9' || choice === '6'))
    return chord;
  return { ...chord, ext: choice };
}

function pickDistinct(pool: readonly string[][], rng: Rng, avoid: readonly string[][]): string[] {
  const key = (p: readonly string[]) => p.join(' ');
  const avoided = new Set(avoid.map(key));
  const options = pool.filter((p) => !avoided.has(key(p)));
  return [...rng.pick(options.length > 0 ? options : pool)];
}

export function chooseHarmony(style: Style, rng: Rng): Harmony {
  const pool: ProgressionPool =
    PROGRESSIONS[style.genre.progressionStyle][style.family.family][style.key.mode];
  const verse = pickDistinct(pool.verse, rng, []);
  const chorus = pickDistinct(pool.chorus, rng, [verse]);
  const bridge = pickDistinct(pool.bridge, rng, [verse, chorus]);
  const pre = pickDistinct(pool.bridge, rng, [bridge]);
  const colourRng = rng.fork('colour');
  const build = (numerals: string[]) =>
    numerals.map((n) => colourChord(parseNumeral(n, style.key.mode), style.colour, colourRng));
  return { verse: build(verse), chorus: build(chorus), bridge: build(bridge), pre: build(pre) };
}

export function tonicChord(key: Key): Chord {
  return parseNumeral(key.mode === 'major' ? 'I' : 'i', key.mode);
}

export function dominantChord(key: Key): Chord {
  return parseNumeral('V', key.mode);
}

/** Close-position voicing inside [lo, hi] that moves least from the previous voicing. */
export function voiceChord(
  chord: Chord,
  key: Key,
  lo: number,
  hi: number,
  prev: readonly number[] | null,
  maxNotes = 4,
): number[] {
  let pcs = chordPitchClasses(chord, key);
  if (pcs.length > maxNotes) {
    // Drop the fifth first: it adds the least colour.
    const fifth = (chordRoot(chord, key) + 7) % 12;
    pcs = pcs.filter((pc) => pc !== fifth).slice(0, maxNotes);
  }
  const candidates: number[][] = [];
  for (let rot = 0; rot < pcs.length; rot++) {
    const order = [...pcs.slice(rot), ...pcs.slice(0, rot)];
    for (let base = lo; base < lo + 12; base++) {
      if (base % 12 !== order[0]) continue;
      const notes = [base];
      for (const pc of order.slice(1)) {
        let n = (notes[notes.length - 1] as number) + 1;
        while (n % 12 !== pc) n++;
        notes.push(n);
      }
      if ((notes[notes.length - 1] as number) <= hi) candidates.push(notes);
      const up = notes.map((n) => n + 12);
      if ((up[up.length - 1] as number) <= hi) candidates.push(up);
    }
  }
  if (candidates.length === 0) return pcs.map((pc) => lo + ((pc - lo + 120) % 12));
  const centre = (lo + hi) / 2;
  const cost = (v: number[]): number => {
    if (!prev || prev.length === 0) {
      const mid = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.abs(mid - centre);
    }
    let total = 0;
    for (const n of v) total += Math.min(...prev.map((p) => Math.abs(p - n)));
    return total;
  };
  let best = candidates[0] as number[];
  let bestCost = cost(best);
  for (const c of candidates.slice(1)) {
    const k = cost(c);
    if (k < bestCost) {
      best = c;
      bestCost = k;
    }
  }
  return best;
}

/** Wide "open" voicing for arpeggios and guitars: root low, then fifth, octave, third, fifth, seventh. */
export function spreadVoicing(chord: Chord, key: Key, bassLo: number): number[] {
  const rootPc = chordRoot(chord, key);
  let root = bassLo + ((rootPc - bassLo + 120) % 12);
  if (root > bassLo + 9) root -= 12;
  if (root < bassLo - 3) root += 12;
  const intervals = chordIntervals(chord);
  const third = chordThird(chord);
  const fifth = intervals.includes(7)
    ? 7
    : intervals.includes(6)
      ? 6
      : intervals.includes(8)
        ? 8
        : 7;
  const seventh = intervals.find((i) => i === 9 || i === 10 || i === 11);
  const ninth = intervals.find((i) => i === 14);
  const notes = [root, root + fifth, root + 12, root + 12 + third, root + 12 + fifth];
  if (seventh !== undefined) notes.push(root + 12 + seventh);
  else if (ninth !== undefined) notes.push(root + 12 + ninth);
  else notes.push(root + 24);
  return notes;
}

/** Guitar-like strum voicing: up to six strings, lowest string at or above E2. */
export function strumVoicing(chord: Chord, key: Key): number[] {
  const spread = spreadVoicing(chord, key, 40);
  return spread.filter((n) => n >= 40 && n <= 76);
}

/** The bass note for a chord in the bass register. */
export function bassRoot(chord: Chord, key: Key, lo = 28): number {
  const pc = chordRoot(chord, key);
  return lo + ((pc - lo + 120) % 12);
}
