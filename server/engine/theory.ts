// Pitch classes, keys and Roman-numeral chords. Progressions live in the tables as Roman
// numerals so one list serves every key; this module turns them into pitches and names.

export type Mode = 'major' | 'minor';

const SHARP_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const FLAT_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'];

/** Tonics that are conventionally spelled with flats, by mode. */
const FLAT_TONICS: Record<Mode, ReadonlySet<number>> = {
  major: new Set([5, 10, 3, 8, 1, 6]),
  minor: new Set([2, 7, 0, 5, 10, 3]),
};

export const SCALES: Record<Mode, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
};

export interface Key {
  tonic: number; // pitch class 0..11
  mode: Mode;
}

export function pitchClassOf(name: string): number {
  const m = /^([A-Ga-g])([#b]?)$/.exec(name.trim());
  if (!m) throw new Error(`not a note name: ${name}`);
  const base = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 }[(m[1] as string).toUpperCase() as 'C'];
  const acc = m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0;
  return (base + acc + 12) % 12;
}

export function noteName(pc: number, key: Key): string {
  const names = FLAT_TONICS[key.mode].has(key.tonic) ? FLAT_NAMES : SHARP_NAMES;
  return names[((pc % 12) + 12) % 12] as string;
}

export function keyName(key: Key): string {
  return key.mode === 'major' ? noteName(key.tonic, key) : `${noteName(key.tonic, key)}m`;
}

export type Quality = 'maj' | 'min' | 'dim' | 'aug' | 'sus2' | 'sus4' | 'pow';

const TRIADS: Record<Quality, readonly number[]> = {
  maj: [0, 4, 7],
  min: [0, 3, 7],
  dim: [0, 3, 6],
  aug: [0, 4, 8],
  sus2: [0, 2, 7],
  sus4: [0, 5, 7],
  pow: [0, 7],
};

/** Added tones by extension name (semitones above the root). */
const EXTENSIONS: Record<string, (q: Quality) => readonly number[]> = {
  '': () => [],
  '7': (q) => (q === 'dim' ? [9] : [10]),
  maj7: () => [11],
  '6': () => [9],
  add9: () => [14],
  '9': (q) => (q === 'maj' || q === 'min' ? [10, 14] : [10]),
  maj9: () => [11, 14],
};

export interface Chord {
  /** Semitones above the key's tonic. */
  degree: number;
  quality: Quality;
  ext: string;
  /** The numeral as written in the table, kept for reports and tests. */
  numeral: string;
}

const NUMERALS = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii'];

/**
 * Parses numerals such as `I`, `vi`, `bVII`, `ii7`, `IVmaj7`, `Vsus4`, `vii°`, `V/vi`.
 * Degrees follow the key's own scale, so `III` in minor is the relative major.
 */
export function parseNumeral(token: string, mode: Mode): Chord {
  const [main, target] = token.split('/') as [string, string | undefined];
  const m = /^([b#]?)([ivIV]+)(°|\+)?(maj7|maj9|add9|sus2|sus4|5|7|9|6)?$/.exec(main);
  if (!m) throw new Error(`bad chord numeral: ${token}`);
  const [, acc, roman = '', sym, suffix = ''] = m;
  const idx = NUMERALS.indexOf(roman.toLowerCase());
  if (idx < 0) throw new Error(`bad chord numeral: ${token}`);
  const upper = roman === roman.toUpperCase();
  let degree = (SCALES[mode][idx] as number) + (acc === 'b' ? -1 : acc === '#' ? 1 : 0);
  if (target) {
    // Secondary chord: the numeral is read relative to the degree named after the slash.
    degree += parseNumeral(target, mode).degree;
  }
  let quality: Quality = upper ? 'maj' : 'min';
  if (sym === '°') quality = 'dim';
  if (sym === '+') quality = 'aug';
  let ext = suffix;
  if (suffix === 'sus2' || suffix === 'sus4') {
    quality = suffix;
    ext = '';
  } else if (suffix === '5') {
    quality = 'pow';
    ext = '';
  }
  return { degree: ((degree % 12) + 12) % 12, quality, ext, numeral: token };
}

/** Semitone offsets of the chord's tones above its root, extensions included. */
export function chordIntervals(chord: Chord): number[] {
  const base = TRIADS[chord.quality];
  const ext = (EXTENSIONS[chord.ext] ?? EXTENSIONS[''] ?? (() => []))(chord.quality);
  return [...base, ...ext];
}

export function chordRoot(chord: Chord, key: Key): number {
  return (key.tonic + chord.degree) % 12;
}

/** Pitch classes of the chord in the given key. */
export function chordPitchClasses(chord: Chord, key: Key): number[] {
  const root = chordRoot(chord, key);
  return chordIntervals(chord).map((i) => (root + i) % 12);
}

export function chordSymbol(chord: Chord, key: Key): string {
  const root = noteName(chordRoot(chord, key), key);
  const q = chord.quality;
  const e = chord.ext;
  if (q === 'pow') return `${root}5`;
  if (q === 'sus2' || q === 'sus4') return `${root}${q}`;
  if (q === 'dim') return e === '7' ? `${root}dim7` : `${root}dim`;
  if (q === 'aug') return `${root}aug`;
  if (q === 'min') {
    if (e === 'maj7') return `${root}m(maj7)`;
    return `${root}m${e}`;
  }
  return `${root}${e}`;
}

/** The third of the chord above its root, or the fifth for open chords. */
export function chordThird(chord: Chord): number {
  if (chord.quality === 'min' || chord.quality === 'dim') return 3;
  if (chord.quality === 'sus2') return 2;
  if (chord.quality === 'sus4') return 5;
  if (chord.quality === 'pow') return 7;
  return 4;
}

export function scalePitchClasses(key: Key): number[] {
  return SCALES[key.mode].map((s) => (key.tonic + s) % 12);
}

/** Nearest MIDI note with pitch class `pc` to `target`. */
export function nearestWithPc(pc: number, target: number): number {
  const base = target - ((((target - pc) % 12) + 12) % 12);
  return target - base <= 6 ? base : base + 12;
}

/** The scale tone `steps` scale degrees away from `from` (which need not be in the scale). */
export function stepInScale(from: number, steps: number, key: Key): number {
  const scale = new Set(scalePitchClasses(key));
  let note = from;
  if (!scale.has(((note % 12) + 12) % 12)) {
    // Snap onto the scale first, in the direction of travel.
    const dir = steps >= 0 ? 1 : -1;
    while (!scale.has(((note % 12) + 12) % 12)) note += dir;
    steps -= dir;
  }
  const dir = steps >= 0 ? 1 : -1;
  for (let n = Math.abs(steps); n > 0; n--) {
    note += dir;
    while (!scale.has(((note % 12) + 12) % 12)) note += dir;
  }
  return note;
}
