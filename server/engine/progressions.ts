// Chord progressions as Roman numerals, grouped by the variation preset's family so the three
// variations of one song never share a verse or chorus progression: within a mode and a
// style, the verse lists of different families have no entry in common, nor do the chorus lists.

import type { Mode } from './theory.ts';

export type Family = 'romantic' | 'playful' | 'heartfelt';
export type ProgressionStyle = 'pop' | 'jazz';

export interface ProgressionPool {
  verse: readonly string[][];
  chorus: readonly string[][];
  bridge: readonly string[][];
}

type Pools = Record<ProgressionStyle, Record<Family, Record<Mode, ProgressionPool>>>;

export const PROGRESSIONS: Pools = {
  pop: {
    romantic: {
      major: {
        verse: [
          ['I', 'vi', 'ii', 'V'], // doo-wop with the softer ii
          ['I', 'iii', 'vi', 'IV'],
          ['I', 'V', 'vi', 'iii', 'IV', 'I', 'IV', 'V'], // Pachelbel's canon, the wedding classic
          ['I', 'IV', 'vi', 'V'],
        ],
        chorus: [
          ['IV', 'V', 'iii', 'vi'], // the "royal road"
          ['I', 'vi', 'IV', 'V'],
          ['IV', 'I', 'ii', 'V'],
          ['vi', 'ii', 'V', 'I'],
        ],
        bridge: [
          ['ii', 'V', 'iii', 'vi'],
          ['IV', 'iv', 'I', 'V'],
          ['vi', 'iii', 'IV', 'V'],
        ],
      },
      minor: {
        verse: [
          ['i', 'VI', 'III', 'VII'],
          ['i', 'iv', 'VII', 'III'],
          ['i', 'III', 'iv', 'VI'],
        ],
        chorus: [
          ['VI', 'VII', 'i', 'i'],
          ['iv', 'VII', 'III', 'VI'], // circle of fifths
          ['III', 'VII', 'iv', 'V'],
        ],
        bridge: [
          ['VI', 'iv', 'i', 'V'],
          ['iv', 'v', 'VI', 'VII'],
        ],
      },
    },
    playful: {
      major: {
        verse: [
          ['I', 'V', 'vi', 'IV'], // the four-chord pop axis
          ['I', 'IV', 'I', 'V'],
          ['I', 'IV', 'V', 'IV'],
          ['I', 'bVII', 'IV', 'I'],
        ],
        chorus: [
          ['IV', 'V', 'I', 'vi'],
          ['I', 'IV', 'vi', 'V'],
          ['I', 'V', 'IV', 'V'],
          ['I', 'ii', 'IV', 'V'],
        ],
        bridge: [
          ['IV', 'V', 'vi', 'V'],
          ['ii', 'IV', 'V', 'V'],
          ['vi', 'IV', 'ii', 'V'],
        ],
      },
      minor: {
        verse: [
          ['i', 'VII', 'VI', 'VII'],
          ['i', 'VI', 'VII', 'i'],
          ['i', 'v', 'VI', 'VII'],
        ],
        chorus: [
          ['III', 'VII', 'i', 'VI'],
          ['i', 'VII', 'III', 'VI'],
          ['VI', 'VII', 'III', 'i'],
        ],
        bridge: [
          ['iv', 'VII', 'III', 'VI'],
          ['VI', 'VII', 'v', 'V'],
        ],
      },
    },
    heartfelt: {
      major: {
        verse: [
          ['vi', 'IV', 'I', 'V'], // the "sensitive" progression
          ['I', 'V', 'vi', 'iii', 'IV', 'I', 'ii', 'V'],
          ['I', 'iii', 'IV', 'iv'], // borrowed minor iv: the catch in the voice
          ['IV', 'I', 'V', 'vi'],
        ],
        chorus: [
          ['IV', 'I', 'V', 'vi'],
          ['vi', 'V', 'IV', 'V'],
          ['I', 'V', 'vi', 'IV'],
          ['IV', 'V', 'vi', 'I'],
        ],
        bridge: [
          ['iv', 'I', 'ii', 'V'],
          ['vi', 'V', 'IV', 'IV'],
          ['ii', 'iii', 'IV', 'V'],
        ],
      },
      minor: {
        verse: [
          ['i', 'VI', 'iv', 'V'],
          ['i', 'III', 'VII', 'VI'],
          ['i', 'v', 'VI', 'iv'],
        ],
        chorus: [
          ['VI', 'III', 'VII', 'i'],
          ['iv', 'i', 'VII', 'VI'],
          ['VI', 'VII', 'i', 'III'],
        ],
        bridge: [
          ['iv', 'VI', 'VII', 'V'],
          ['VI', 'iv', 'VII', 'V'],
        ],
      },
    },
  },
  jazz: {
    romantic: {
      major: {
        verse: [
          ['Imaj7', 'vi7', 'ii7', 'V7'],
          ['Imaj7', 'iii7', 'vi7', 'ii7'],
        ],
        chorus: [
          ['IVmaj7', 'iii7', 'ii7', 'V7'],
          ['iii7', 'vi7', 'ii7', 'V7'],
        ],
        bridge: [['IVmaj7', 'iv', 'iii7', 'VI7']],
      },
      minor: {
        verse: [['i7', 'iv7', 'VII7', 'IIImaj7']],
        chorus: [['VImaj7', 'ii°', 'V7', 'i7']],
        bridge: [['iv7', 'VII7', 'IIImaj7', 'V7']],
      },
    },
    playful: {
      major: {
        verse: [
          ['I', 'VI7', 'ii7', 'V7'], // rhythm changes
          ['I7', 'IV7', 'I7', 'V7'], // blues
        ],
        chorus: [
          ['IVmaj7', 'IV7', 'iii7', 'VI7'],
          ['ii7', 'V7', 'I6', 'VI7'],
        ],
        bridge: [['III7', 'VI7', 'II7', 'V7']],
      },
      minor: {
        verse: [['i7', 'iv7', 'i7', 'V7']],
        chorus: [['i7', 'VI7', 'ii°', 'V7']],
        bridge: [['iv7', 'i7', 'VI7', 'V7']],
      },
    },
    heartfelt: {
      major: {
        verse: [
          ['IVmaj7', 'iii7', 'ii7', 'Imaj7'],
          ['Imaj7', 'IVmaj7', 'iii7', 'vi7'],
        ],
        chorus: [
          ['ii7', 'V7', 'Imaj7', 'vi7'],
          ['vi7', 'ii7', 'V7', 'Imaj7'],
        ],
        bridge: [['iv', 'bVII7', 'Imaj7', 'Imaj7']],
      },
      minor: {
        verse: [['i', 'i7', 'VImaj7', 'V7']],
        chorus: [['iv7', 'V7', 'i7', 'VImaj7']],
        bridge: [['VImaj7', 'ii°', 'V7', 'V7']],
      },
    },
  },
};

/**
 * How plain triads get coloured per genre, by chord function. Only numerals written without a
 * suffix are coloured; the weights are relative.
 */
export type ChordColour = Record<'maj' | 'min' | 'dom', readonly (readonly [string, number])[]>;

export const COLOURS: Record<string, ChordColour> = {
  plain: { maj: [['', 1]], min: [['', 1]], dom: [['', 1]] },
  pop: {
    maj: [
      ['', 6],
      ['add9', 1],
      ['sus2', 0.5],
    ],
    min: [
      ['', 5],
      ['7', 1],
    ],
    dom: [
      ['', 4],
      ['sus4', 1],
      ['7', 1],
    ],
  },
  folk: {
    maj: [
      ['', 6],
      ['sus2', 1],
      ['add9', 1],
    ],
    min: [
      ['', 6],
      ['7', 1],
    ],
    dom: [
      ['', 4],
      ['sus4', 1.5],
    ],
  },
  rnb: {
    maj: [
      ['maj7', 3],
      ['add9', 1],
      ['maj9', 1],
    ],
    min: [
      ['7', 3],
      ['9', 1],
    ],
    dom: [
      ['7', 2],
      ['9', 1],
      ['sus4', 1],
    ],
  },
  jazz: {
    maj: [
      ['maj7', 3],
      ['6', 1],
      ['maj9', 1],
    ],
    min: [
      ['7', 3],
      ['9', 1],
    ],
    dom: [
      ['7', 3],
      ['9', 1],
    ],
  },
  rock: {
    maj: [
      ['', 4],
      ['pow', 1],
    ],
    min: [
      ['', 4],
      ['pow', 1],
    ],
    dom: [['', 1]],
  },
};
