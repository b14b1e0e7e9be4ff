// Rhythm patterns as step strings, one character per sixteenth note. A bar of 4/4 has 16
// steps, a bar of 3/4 or 6/8 has 12. Keeping them as text makes them easy to read and tune by
// ear, and lets the genre tables refer to them by name.

import type { DrumVoice } from './instruments.ts';

export type Metre = '4/4' | '3/4' | '6/8';

export const STEPS_PER_BAR: Record<Metre, number> = { '4/4': 16, '3/4': 12, '6/8': 12 };

/**
 * Drum patterns. Characters: X accent, x normal, o soft, g ghost, . rest. Each voice letter is
 * a GM percussion key (see DRUM_KEYS). Patterns may span several bars.
 */
export interface DrumPattern {
  metre: Metre;
  voices: Partial<Record<DrumVoice, string>>;
}

export const DRUM_PATTERNS: Record<string, DrumPattern> = {
  'pop-light': {
    metre: '4/4',
    voices: { k: 'x.......x.......', r: '....o.......o...', h: 'x.g.o.g.x.g.o.g.' },
  },
  'pop-full': {
    metre: '4/4',
    voices: { k: 'x......x..x.....', s: '....X.......X...', h: 'x.o.x.o.x.o.x.o.' },
  },
  'pop-drive': {
    metre: '4/4',
    voices: {
      k: 'x.....x.x.x.....',
      s: '....X.......X..g',
      h: 'xgogxgogxgogxgog',
      a: '....x.......x...',
    },
  },
  'ballad-light': {
    metre: '4/4',
    voices: { k: 'x.........x.....', r: '....o.......o...', h: 'o...o...o...o...' },
  },
  'ballad-full': {
    metre: '4/4',
    voices: { k: 'x.......x.x.....', s: '....x.......x...', h: 'x.o.x.o.x.o.x.o.' },
  },
  halftime: {
    metre: '4/4',
    voices: { k: 'x.........x.....', s: '........X.......', h: 'x.o.x.o.x.o.x.o.' },
  },
  'rock-light': {
    metre: '4/4',
    voices: { k: 'x.......x.x.....', s: '....x.......x...', h: 'x...x...x...x...' },
  },
  'rock-full': {
    metre: '4/4',
    voices: { k: 'x.x.....x.x.....', s: '....X.......X...', h: 'x.x.x.x.x.x.x.x.' },
  },
  'rock-ride': {
    metre: '4/4',
    voices: { k: 'x.x.....x.x..x..', s: '....X.......X...', y: 'x.o.x.o.x.o.x.o.' },
  },
  'country-light': {
    metre: '4/4',
    voices: { k: 'x.......x.......', r: '....x.......x...', h: 'x.o.x.o.x.o.x.o.' },
  },
  'country-full': {
    metre: '4/4',
    voices: {
      k: 'x.......x.......',
      s: '....x.......x...',
      h: 'x.o.x.o.x.o.x.o.',
      a: '....o.......o...',
    },
  },
  'train-beat': { metre: '4/4', voices: { k: 'x.......x.......', s: 'gxgxgxgxgxgxgxgx' } },
  'folk-light': { metre: '4/4', voices: { k: 'x.......x.......', e: 'x.o.x.o.x.o.x.o.' } },
  'folk-full': {
    metre: '4/4',
    voices: {
      k: 'x.......x..x....',
      r: '....x.......x...',
      e: 'xgogxgogxgogxgog',
      a: '....o.......o...',
    },
  },
  'jazz-swing': {
    metre: '4/4',
    voices: {
      y: 'x...x.o.x...x.o.',
      p: '....x.......x...',
      k: 'g...g...g...g...',
      s: '..........g.....',
    },
  },
  'jazz-light': { metre: '4/4', voices: { y: 'o...o.g.o...o.g.', p: '....o.......o...' } },
  'edm-four': {
    metre: '4/4',
    voices: {
      k: 'X...X...X...X...',
      c: '....x.......x...',
      h: 'x.g.x.g.x.g.x.g.',
      o: '..o...o...o...o.',
    },
  },
  'edm-light': { metre: '4/4', voices: { k: 'x...x...x...x...', o: '..o...o...o...o.' } },
  'edm-build': { metre: '4/4', voices: { k: 'x...x...x...x...', c: 'x.x.x.x.x.x.x.x.' } },
  'hiphop-boom': {
    metre: '4/4',
    voices: { k: 'x......x..x.....', s: '....X.......X...', h: 'x.o.x.o.x.o.x.o.' },
  },
  'hiphop-trap': {
    metre: '4/4',
    voices: { k: 'x......x..x....x', c: '....X.......X...', h: 'xgxgxgxgxgxgxxgx' },
  },
  'hiphop-light': {
    metre: '4/4',
    voices: { k: 'x.........x.....', r: '....o.......o...', h: 'o.g.o.g.o.g.o.g.' },
  },
  'rnb-groove': {
    metre: '4/4',
    voices: {
      k: 'x......x.x......',
      s: '....X.......X...',
      h: 'x.o.x.o.x.o.x.o.',
      r: '..........g.....',
    },
  },
  'bossa-light': {
    metre: '4/4',
    voices: { k: 'x..o....x..o....', r: 'x..x..x...x..x..', e: 'xgogxgogxgogxgog' },
  },
  'bossa-full': {
    metre: '4/4',
    voices: { k: 'x..o....x..o....', r: 'x..x..x...x..x..', h: 'x.o.x.o.x.o.x.o.' },
  },
  'cinematic-light': { metre: '4/4', voices: { l: 'x...........o...', k: 'o...............' } },
  'cinematic-full': {
    metre: '4/4',
    voices: {
      k: 'x.......x.......',
      l: 'x.....x.....x...',
      f: '..........o.o...',
      s: '........X.......',
    },
  },
  'waltz-light': {
    metre: '3/4',
    voices: { k: 'x...........', r: '....o...o...', h: 'x...o...o...' },
  },
  'waltz-full': {
    metre: '3/4',
    voices: { k: 'x...........', s: '....x...x...', h: 'x.o.x.o.x.o.' },
  },
  'waltz-brush': {
    metre: '3/4',
    voices: { k: 'o...........', s: '....g...g...', y: 'x...o...o...' },
  },
  'six8-light': {
    metre: '6/8',
    voices: { k: 'x...........', r: '......o.....', h: 'x.g.g.o.g.g.' },
  },
  'six8-full': {
    metre: '6/8',
    voices: { k: 'x...o.......', s: '......x.....', h: 'x.o.o.x.o.o.' },
  },
};

/** Fills replace the tail of a section's last bar, from `from` onwards. */
export interface DrumFill extends DrumPattern {
  from: number;
}

export const DRUM_FILLS: Record<string, DrumFill> = {
  'fill-snare': { metre: '4/4', from: 8, voices: { k: 'x...............', s: '........o.x.xXxX' } },
  'fill-toms': {
    metre: '4/4',
    from: 8,
    voices: {
      k: 'x...............',
      s: '........x.x.....',
      t: '............x...',
      m: '.............x..',
      f: '..............xX',
    },
  },
  'fill-soft': { metre: '4/4', from: 12, voices: { r: '............o.o.', s: '..............ox' } },
  'fill-edm': { metre: '4/4', from: 8, voices: { k: 'x...x...........', c: '........x.x.xxxx' } },
  'fill-waltz': { metre: '3/4', from: 6, voices: { k: 'x...........', s: '......x.x.xX' } },
  'fill-six8': {
    metre: '6/8',
    from: 6,
    voices: { k: 'x...........', s: '......x.x.xX', f: '..........x.' },
  },
};

/**
 * Bass patterns. R root, 5 fifth, 8 octave, 3 third, 7 seventh, a approach (a step into the
 * next chord's root), - hold, . rest.
 */
export interface LinePattern {
  metre: Metre;
  steps: string;
}

export const BASS_PATTERNS: Record<string, LinePattern> = {
  hold: { metre: '4/4', steps: 'R---------------' },
  halves: { metre: '4/4', steps: 'R-------5-------' },
  pop: { metre: '4/4', steps: 'R-----R-R-----5-' },
  'pop-push': { metre: '4/4', steps: 'R-----R---R-5-a-' },
  rock8: { metre: '4/4', steps: 'R-R-R-R-R-R-R-R-' },
  ballad: { metre: '4/4', steps: 'R-------R---5---' },
  walking: { metre: '4/4', steps: 'R---3---5---a---' },
  'two-beat': { metre: '4/4', steps: 'R-------5-------' },
  'country-walk': { metre: '4/4', steps: 'R---5---R---a---' },
  'edm-offbeat': { metre: '4/4', steps: '..R-..R-..R-..R-' },
  'edm-pulse': { metre: '4/4', steps: 'R-R-R-R-R-R-R-R-' },
  hiphop: { metre: '4/4', steps: 'R---------R---5-' },
  'hiphop-808': { metre: '4/4', steps: 'R-------------a-' },
  rnb: { metre: '4/4', steps: 'R-----.R--R-5-a-' },
  bossa: { metre: '4/4', steps: 'R-----5-R-----5-' },
  'waltz-root': { metre: '3/4', steps: 'R-----------' },
  'waltz-move': { metre: '3/4', steps: 'R-------5---' },
  'six8-root': { metre: '6/8', steps: 'R-----------' },
  six8: { metre: '6/8', steps: 'R-----5-----' },
};

/**
 * Accompaniment patterns. C whole chord, L low note, U upper notes, d/u guitar strokes down/up,
 * - hold, . rest. Digits 1-6 index an open voicing: root, fifth, octave, tenth (the third),
 * twelfth, then the seventh or double octave; an arpeggio needs a 4 to have a third at all.
 * Tags let the variation preset prefer arpeggios, held chords or rhythmic parts.
 */
export interface CompPattern extends LinePattern {
  tag: 'arp' | 'block' | 'rhythm';
}

export const COMP_PATTERNS: Record<string, CompPattern> = {
  whole: { metre: '4/4', tag: 'block', steps: 'C---------------' },
  halves: { metre: '4/4', tag: 'block', steps: 'C-------C-------' },
  'ballad-pulse': { metre: '4/4', tag: 'block', steps: 'C---C---C---C---' },
  'pop-8': { metre: '4/4', tag: 'rhythm', steps: 'C-C-C-C-C-C-C-C-' },
  'pop-sync': { metre: '4/4', tag: 'rhythm', steps: 'C--C--C-C--C--C-' },
  offbeat: { metre: '4/4', tag: 'rhythm', steps: '..C-..C-..C-..C-' },
  charleston: { metre: '4/4', tag: 'rhythm', steps: 'C-----C-........' },
  stride: { metre: '4/4', tag: 'rhythm', steps: 'L---U---L---U---' },
  'rnb-keys': { metre: '4/4', tag: 'rhythm', steps: 'C-------..C-C---' },
  stabs: { metre: '4/4', tag: 'rhythm', steps: 'C-..C-..C-.C..C.' },
  'arp-up': { metre: '4/4', tag: 'arp', steps: '1-2-3-4-5-4-3-2-' },
  'arp-16': { metre: '4/4', tag: 'arp', steps: '1.3.5.3.2.4.6.4.' },
  broken: { metre: '4/4', tag: 'arp', steps: '1-5-4-5-1-5-4-5-' },
  'arp-slow': { metre: '4/4', tag: 'arp', steps: '1---3---4---5---' },
  travis: { metre: '4/4', tag: 'arp', steps: '1-4-2-5-1-4-2-5-' },
  'strum-folk': { metre: '4/4', tag: 'rhythm', steps: 'd---d-u---u-d-u-' },
  'strum-pop': { metre: '4/4', tag: 'rhythm', steps: 'd---d---d-u-d-u-' },
  'strum-8': { metre: '4/4', tag: 'rhythm', steps: 'd-u-d-u-d-u-d-u-' },
  'strum-ballad': { metre: '4/4', tag: 'block', steps: 'd-------d---d-u-' },
  'bossa-comp': { metre: '4/4', tag: 'rhythm', steps: 'L--U--U-L--U--U-' },
  'waltz-comp': { metre: '3/4', tag: 'rhythm', steps: 'L---U---U---' },
  'waltz-arp': { metre: '3/4', tag: 'arp', steps: '1-2-4-5-4-2-' },
  'waltz-block': { metre: '3/4', tag: 'block', steps: 'C-----------' },
  'waltz-strum': { metre: '3/4', tag: 'rhythm', steps: 'd---d-u-d-u-' },
  'six8-arp': { metre: '6/8', tag: 'arp', steps: '1-2-4-5-4-2-' },
  'six8-block': { metre: '6/8', tag: 'block', steps: 'C-----C-----' },
  'six8-strum': { metre: '6/8', tag: 'rhythm', steps: 'd-u-u-d-u-u-' },
};

/** Substitutes for a metre when a genre's own list has nothing that fits. */
export const METRE_DEFAULTS: Record<
  Metre,
  { light: string; full: string; fill: string; bass: string; comp: string[] }
> = {
  '4/4': {
    light: 'pop-light',
    full: 'pop-full',
    fill: 'fill-snare',
    bass: 'pop',
    comp: ['halves', 'arp-up'],
  },
  '3/4': {
    light: 'waltz-light',
    full: 'waltz-full',
    fill: 'fill-waltz',
    bass: 'waltz-move',
    comp: ['waltz-comp', 'waltz-arp'],
  },
  '6/8': {
    light: 'six8-light',
    full: 'six8-full',
    fill: 'fill-six8',
    bass: 'six8',
    comp: ['six8-arp', 'six8-block'],
  },
};
