// What each genre, variation preset, mood, occasion and prompt word means musically. The
// composer only merges these records; changing how a style sounds is an edit to this file.

import type { Vocals } from '../../schema/draft.ts';
import { VARIATIONS, type VariationId } from '../../schema/presets.ts';
import type { Metre } from './grooves.ts';
import type { Family, ProgressionStyle } from './progressions.ts';

export type SectionKind = 'intro' | 'verse' | 'pre' | 'chorus' | 'bridge' | 'solo' | 'outro';

/** 0 no drums, 1 light groove, 2 full groove, 3 full groove with extra drive. */
export type DrumLevel = 0 | 1 | 2 | 3;

export interface GenreProfile {
  id: string;
  label: string;
  /** Matched against the style text first, then the prompt. */
  keywords: readonly string[];
  bpm: readonly [number, number];
  metres: readonly (readonly [Metre, number])[];
  /** Delay of the off-beat as a fraction of the subdivision: 0 straight, 1/3 full triplet swing. */
  swing: number;
  swingUnit: 8 | 16;
  minorBias: number;
  progressionStyle: ProgressionStyle;
  colour: string;
  kits: Record<Family, string>;
  drums: Record<SectionKind, DrumLevel>;
  grooves: {
    light: readonly string[];
    full: readonly string[];
    drive: readonly string[];
    fill: readonly string[];
  };
  bass: { instruments: readonly string[]; light: readonly string[]; full: readonly string[] };
  keys: { instruments: readonly string[]; patterns: readonly string[] };
  /** Second accompaniment part; chance is how often an arrangement includes it. */
  guitar: { instruments: readonly string[]; patterns: readonly string[]; chance: number };
  pad: { instruments: readonly string[]; from: 'verse' | 'chorus' };
  leads: Record<Family, readonly string[]>;
  /** Reverb send scale (0..1) and room size (0..1). */
  space: { wet: number; size: number };
}

const ALL_ON: Record<SectionKind, DrumLevel> = {
  intro: 1,
  verse: 1,
  pre: 2,
  chorus: 2,
  bridge: 1,
  solo: 2,
  outro: 1,
};

export const GENRES: readonly GenreProfile[] = [
  {
    id: 'pop',
    label: 'Pop',
    keywords: ['pop', 'radio', 'mainstream', 'indie pop', 'synthpop', 'k-pop', 'kpop'],
    bpm: [92, 122],
    metres: [
      ['4/4', 1],
      ['6/8', 0.05],
    ],
    swing: 0,
    swingUnit: 8,
    minorBias: 0,
    progressionStyle: 'pop',
    colour: 'pop',
    kits: { romantic: 'room-kit', playful: 'standard-kit', heartfelt: 'standard-kit' },
    drums: { ...ALL_ON, intro: 0 },
    grooves: {
      light: ['pop-light', 'ballad-light'],
      full: ['pop-full', 'ballad-full'],
      drive: ['pop-drive'],
      fill: ['fill-snare', 'fill-toms'],
    },
    bass: {
      instruments: ['finger-bass', 'pick-bass'],
      light: ['halves', 'ballad'],
      full: ['pop', 'pop-push'],
    },
    keys: {
      instruments: ['piano', 'bright-piano', 'epiano'],
      patterns: ['whole', 'halves', 'pop-sync', 'arp-up', 'broken', 'ballad-pulse', 'pop-8'],
    },
    guitar: {
      instruments: ['clean-guitar', 'steel-guitar'],
      patterns: ['strum-pop', 'strum-8', 'travis', 'strum-ballad'],
      chance: 0.6,
    },
    pad: { instruments: ['strings', 'warm-pad', 'slow-strings'], from: 'chorus' },
    leads: {
      romantic: ['flute', 'violin', 'clarinet'],
      playful: ['vibraphone', 'marimba', 'whistle', 'trumpet'],
      heartfelt: ['cello', 'english-horn', 'alto-sax'],
    },
    space: { wet: 0.55, size: 0.6 },
  },
  {
    id: 'folk',
    label: 'Acoustic folk',
    keywords: [
      'folk',
      'acoustic',
      'singer-songwriter',
      'indie folk',
      'americana',
      'campfire',
      'unplugged',
    ],
    bpm: [84, 116],
    metres: [
      ['4/4', 1],
      ['3/4', 0.2],
      ['6/8', 0.1],
    ],
    swing: 0,
    swingUnit: 8,
    minorBias: 0,
    progressionStyle: 'pop',
    colour: 'folk',
    kits: { romantic: 'brush-kit', playful: 'room-kit', heartfelt: 'brush-kit' },
    drums: { intro: 0, verse: 1, pre: 1, chorus: 2, bridge: 1, solo: 2, outro: 0 },
    grooves: {
      light: ['folk-light'],
      full: ['folk-full', 'country-light'],
      drive: ['folk-full'],
      fill: ['fill-soft'],
    },
    bass: {
      instruments: ['acoustic-bass', 'finger-bass'],
      light: ['halves', 'two-beat'],
      full: ['ballad', 'pop'],
    },
    keys: { instruments: ['piano'], patterns: ['whole', 'halves', 'arp-slow'] },
    guitar: {
      instruments: ['steel-guitar', 'nylon-guitar'],
      patterns: ['travis', 'strum-folk', 'arp-up', 'strum-ballad'],
      chance: 1,
    },
    pad: { instruments: ['strings', 'accordion'], from: 'chorus' },
    leads: {
      romantic: ['flute', 'violin', 'nylon-guitar'],
      playful: ['whistle', 'harmonica', 'recorder'],
      heartfelt: ['cello', 'fiddle', 'ocarina'],
    },
    space: { wet: 0.45, size: 0.45 },
  },
  {
    id: 'rnb',
    label: 'R&B / soul',
    keywords: ['rnb', 'r&b', 'r and b', 'soul', 'neo-soul', 'neo soul', 'motown', 'slow jam'],
    bpm: [68, 96],
    metres: [
      ['4/4', 1],
      ['6/8', 0.2],
    ],
    swing: 0.12,
    swingUnit: 16,
    minorBias: 0.1,
    progressionStyle: 'pop',
    colour: 'rnb',
    kits: { romantic: 'room-kit', playful: 'standard-kit', heartfelt: 'room-kit' },
    drums: { ...ALL_ON, intro: 0, verse: 2 },
    grooves: {
      light: ['hiphop-light', 'ballad-light'],
      full: ['rnb-groove', 'ballad-full'],
      drive: ['rnb-groove'],
      fill: ['fill-soft', 'fill-snare'],
    },
    bass: {
      instruments: ['finger-bass', 'fretless-bass', 'synth-bass-2'],
      light: ['ballad', 'hold'],
      full: ['rnb', 'pop'],
    },
    keys: {
      instruments: ['epiano', 'fm-epiano', 'piano'],
      patterns: ['rnb-keys', 'whole', 'halves', 'arp-slow'],
    },
    guitar: {
      instruments: ['clean-guitar', 'jazz-guitar'],
      patterns: ['offbeat', 'arp-16'],
      chance: 0.4,
    },
    pad: { instruments: ['warm-pad', 'strings', 'voice-oohs'], from: 'verse' },
    leads: {
      romantic: ['soprano-sax', 'flute', 'vibraphone'],
      playful: ['alto-sax', 'muted-trumpet', 'clean-guitar'],
      heartfelt: ['tenor-sax', 'cello', 'epiano'],
    },
    space: { wet: 0.5, size: 0.55 },
  },
  {
    id: 'rock',
    label: 'Rock',
    keywords: [
      'rock',
      'punk',
      'grunge',
      'alternative',
      'alt rock',
      'pop rock',
      'power ballad',
      'arena',
    ],
    bpm: [100, 140],
    metres: [['4/4', 1]],
    swing: 0,
    swingUnit: 8,
    minorBias: 0.05,
    progressionStyle: 'pop',
    colour: 'rock',
    kits: { romantic: 'room-kit', playful: 'power-kit', heartfelt: 'power-kit' },
    drums: { intro: 1, verse: 2, pre: 2, chorus: 3, bridge: 1, solo: 3, outro: 2 },
    grooves: {
      light: ['rock-light'],
      full: ['rock-full', 'rock-ride'],
      drive: ['rock-full'],
      fill: ['fill-toms', 'fill-snare'],
    },
    bass: { instruments: ['pick-bass', 'finger-bass'], light: ['pop', 'halves'], full: ['rock8'] },
    keys: { instruments: ['piano', 'rock-organ'], patterns: ['pop-8', 'halves', 'whole'] },
    guitar: {
      instruments: ['overdrive-guitar', 'distortion-guitar', 'muted-guitar'],
      patterns: ['strum-8', 'pop-8', 'strum-pop'],
      chance: 1,
    },
    pad: { instruments: ['strings', 'organ'], from: 'chorus' },
    leads: {
      romantic: ['clean-guitar', 'violin', 'flute'],
      playful: ['overdrive-guitar', 'trumpet', 'harmonica'],
      heartfelt: ['distortion-guitar', 'cello', 'tenor-sax'],
    },
    space: { wet: 0.4, size: 0.5 },
  },
  {
    id: 'country',
    label: 'Country',
    keywords: ['country', 'bluegrass', 'honky', 'western', 'nashville', 'cowboy'],
    bpm: [88, 124],
    metres: [
      ['4/4', 1],
      ['3/4', 0.2],
    ],
    swing: 0.05,
    swingUnit: 8,
    minorBias: -0.15,
    progressionStyle: 'pop',
    colour: 'folk',
    kits: { romantic: 'brush-kit', playful: 'standard-kit', heartfelt: 'room-kit' },
    drums: { intro: 0, verse: 1, pre: 2, chorus: 2, bridge: 1, solo: 3, outro: 1 },
    grooves: {
      light: ['country-light'],
      full: ['country-full'],
      drive: ['train-beat'],
      fill: ['fill-snare'],
    },
    bass: {
      instruments: ['acoustic-bass', 'finger-bass'],
      light: ['two-beat'],
      full: ['country-walk', 'two-beat'],
    },
    keys: { instruments: ['piano', 'bright-piano'], patterns: ['stride', 'halves', 'arp-up'] },
    guitar: {
      instruments: ['steel-guitar', 'clean-guitar'],
      patterns: ['strum-folk', 'strum-pop', 'travis'],
      chance: 1,
    },
    pad: { instruments: ['strings', 'organ'], from: 'chorus' },
    leads: {
      romantic: ['fiddle', 'clean-guitar', 'nylon-guitar'],
      playful: ['banjo', 'harmonica', 'whistle'],
      heartfelt: ['violin', 'accordion', 'cello'],
    },
    space: { wet: 0.4, size: 0.45 },
  },
  {
    id: 'jazz',
    label: 'Jazz',
    keywords: ['jazz', 'swing', 'big band', 'lounge', 'crooner', 'bebop', 'jazzy', 'blues'],
    bpm: [84, 140],
    metres: [
      ['4/4', 1],
      ['3/4', 0.1],
    ],
    swing: 0.3,
    swingUnit: 8,
    minorBias: 0,
    progressionStyle: 'jazz',
    colour: 'jazz',
    kits: { romantic: 'brush-kit', playful: 'jazz-kit', heartfelt: 'brush-kit' },
    drums: { intro: 1, verse: 1, pre: 2, chorus: 2, bridge: 1, solo: 2, outro: 1 },
    grooves: {
      light: ['jazz-light', 'waltz-brush'],
      full: ['jazz-swing'],
      drive: ['jazz-swing'],
      fill: ['fill-soft'],
    },
    bass: { instruments: ['acoustic-bass'], light: ['two-beat'], full: ['walking'] },
    keys: { instruments: ['piano'], patterns: ['charleston', 'stride', 'halves'] },
    guitar: {
      instruments: ['jazz-guitar'],
      patterns: ['ballad-pulse', 'charleston'],
      chance: 0.35,
    },
    pad: { instruments: ['strings', 'muted-trumpet'], from: 'chorus' },
    leads: {
      romantic: ['tenor-sax', 'clarinet', 'flute'],
      playful: ['muted-trumpet', 'vibraphone', 'trumpet'],
      heartfelt: ['alto-sax', 'trombone', 'jazz-guitar'],
    },
    space: { wet: 0.45, size: 0.4 },
  },
  {
    id: 'edm',
    label: 'EDM / dance',
    keywords: [
      'edm',
      'electronic',
      'dance',
      'house',
      'techno',
      'trance',
      'club',
      'electro',
      'disco',
      'synthwave',
    ],
    bpm: [116, 128],
    metres: [['4/4', 1]],
    swing: 0,
    swingUnit: 16,
    minorBias: 0.2,
    progressionStyle: 'pop',
    colour: 'pop',
    kits: { romantic: 'electronic-kit', playful: '808-kit', heartfelt: 'electronic-kit' },
    drums: { intro: 1, verse: 1, pre: 2, chorus: 3, bridge: 1, solo: 3, outro: 1 },
    grooves: { light: ['edm-light'], full: ['edm-four'], drive: ['edm-four'], fill: ['fill-edm'] },
    bass: {
      instruments: ['synth-bass', 'synth-bass-2'],
      light: ['edm-offbeat'],
      full: ['edm-offbeat', 'edm-pulse'],
    },
    keys: { instruments: ['polysynth', 'epiano'], patterns: ['stabs', 'arp-16', 'offbeat'] },
    guitar: { instruments: ['crystal'], patterns: ['arp-16'], chance: 0.3 },
    pad: { instruments: ['warm-pad', 'halo-pad', 'synth-strings'], from: 'verse' },
    leads: {
      romantic: ['saw-lead', 'pan-flute', 'crystal'],
      playful: ['square-lead', 'steel-drums', 'marimba'],
      heartfelt: ['synth-strings', 'voice-oohs', 'piano'],
    },
    space: { wet: 0.5, size: 0.65 },
  },
  {
    id: 'lullaby',
    label: 'Lullaby',
    keywords: ['lullaby', 'nursery', 'cradle', 'sleep', 'bedtime', 'baby', 'music box'],
    bpm: [60, 80],
    metres: [
      ['3/4', 1],
      ['6/8', 0.8],
      ['4/4', 0.5],
    ],
    swing: 0,
    swingUnit: 8,
    minorBias: -0.2,
    progressionStyle: 'pop',
    colour: 'plain',
    kits: { romantic: 'brush-kit', playful: 'brush-kit', heartfelt: 'brush-kit' },
    drums: { intro: 0, verse: 0, pre: 0, chorus: 0, bridge: 0, solo: 0, outro: 0 },
    grooves: {
      light: ['waltz-brush'],
      full: ['waltz-brush'],
      drive: ['waltz-brush'],
      fill: ['fill-soft'],
    },
    bass: {
      instruments: ['acoustic-bass', 'cello'],
      light: ['hold', 'waltz-root', 'six8-root'],
      full: ['hold', 'waltz-root', 'six8-root'],
    },
    keys: {
      instruments: ['music-box', 'celesta', 'harp', 'piano'],
      patterns: ['arp-slow', 'waltz-arp', 'six8-arp', 'arp-up'],
    },
    guitar: {
      instruments: ['nylon-guitar', 'harp'],
      patterns: ['waltz-arp', 'six8-arp', 'travis'],
      chance: 0.4,
    },
    pad: { instruments: ['slow-strings', 'voice-oohs', 'warm-pad'], from: 'verse' },
    leads: {
      romantic: ['flute', 'celesta', 'violin'],
      playful: ['music-box', 'kalimba', 'glockenspiel'],
      heartfelt: ['clarinet', 'cello', 'voice-oohs'],
    },
    space: { wet: 0.65, size: 0.75 },
  },
  {
    id: 'hiphop',
    label: 'Hip hop',
    keywords: [
      'hip hop',
      'hip-hop',
      'hiphop',
      'rap',
      'trap',
      'lofi',
      'lo-fi',
      'boom bap',
      'chillhop',
    ],
    bpm: [78, 96],
    metres: [['4/4', 1]],
    swing: 0.14,
    swingUnit: 16,
    minorBias: 0.25,
    progressionStyle: 'pop',
    colour: 'rnb',
    kits: { romantic: 'room-kit', playful: '808-kit', heartfelt: 'standard-kit' },
    drums: { intro: 1, verse: 2, pre: 2, chorus: 2, bridge: 1, solo: 2, outro: 1 },
    grooves: {
      light: ['hiphop-light'],
      full: ['hiphop-boom'],
      drive: ['hiphop-trap'],
      fill: ['fill-soft'],
    },
    bass: {
      instruments: ['synth-bass-2', 'finger-bass'],
      light: ['hiphop-808'],
      full: ['hiphop', 'hiphop-808'],
    },
    keys: {
      instruments: ['epiano', 'piano', 'vibraphone'],
      patterns: ['rnb-keys', 'whole', 'halves'],
    },
    guitar: {
      instruments: ['clean-guitar', 'jazz-guitar'],
      patterns: ['arp-16', 'offbeat'],
      chance: 0.3,
    },
    pad: { instruments: ['warm-pad', 'strings'], from: 'chorus' },
    leads: {
      romantic: ['flute', 'vibraphone', 'pan-flute'],
      playful: ['square-lead', 'pizzicato', 'marimba'],
      heartfelt: ['piano', 'strings', 'muted-trumpet'],
    },
    space: { wet: 0.4, size: 0.45 },
  },
  {
    id: 'ballad',
    label: 'Piano ballad',
    keywords: ['ballad', 'piano ballad', 'classical', 'neoclassical', 'love song'],
    bpm: [64, 88],
    metres: [
      ['4/4', 1],
      ['6/8', 0.3],
      ['3/4', 0.15],
    ],
    swing: 0,
    swingUnit: 8,
    minorBias: 0.05,
    progressionStyle: 'pop',
    colour: 'pop',
    kits: { romantic: 'brush-kit', playful: 'room-kit', heartfelt: 'room-kit' },
    drums: { intro: 0, verse: 0, pre: 1, chorus: 1, bridge: 1, solo: 2, outro: 0 },
    grooves: {
      light: ['ballad-light', 'six8-light'],
      full: ['ballad-full', 'six8-full'],
      drive: ['ballad-full'],
      fill: ['fill-soft'],
    },
    bass: {
      instruments: ['finger-bass', 'acoustic-bass', 'fretless-bass'],
      light: ['hold', 'ballad'],
      full: ['ballad', 'halves'],
    },
    keys: {
      instruments: ['piano'],
      patterns: ['arp-up', 'broken', 'arp-slow', 'whole', 'ballad-pulse'],
    },
    guitar: { instruments: ['nylon-guitar', 'harp'], patterns: ['arp-up', 'travis'], chance: 0.25 },
    pad: { instruments: ['strings', 'slow-strings'], from: 'verse' },
    leads: {
      romantic: ['violin', 'flute', 'oboe'],
      playful: ['vibraphone', 'clarinet', 'celesta'],
      heartfelt: ['cello', 'english-horn', 'french-horns'],
    },
    space: { wet: 0.6, size: 0.7 },
  },
  {
    id: 'latin',
    label: 'Latin / bossa nova',
    keywords: [
      'latin',
      'bossa',
      'samba',
      'salsa',
      'tropical',
      'reggaeton',
      'reggae',
      'island',
      'calypso',
    ],
    bpm: [88, 118],
    metres: [['4/4', 1]],
    swing: 0,
    swingUnit: 8,
    minorBias: 0.05,
    progressionStyle: 'pop',
    colour: 'rnb',
    kits: { romantic: 'room-kit', playful: 'standard-kit', heartfelt: 'room-kit' },
    drums: { ...ALL_ON, intro: 1 },
    grooves: {
      light: ['bossa-light'],
      full: ['bossa-full'],
      drive: ['bossa-full'],
      fill: ['fill-soft'],
    },
    bass: { instruments: ['acoustic-bass', 'finger-bass'], light: ['bossa'], full: ['bossa'] },
    keys: { instruments: ['piano', 'epiano'], patterns: ['bossa-comp', 'offbeat', 'halves'] },
    guitar: { instruments: ['nylon-guitar'], patterns: ['bossa-comp', 'arp-up'], chance: 0.9 },
    pad: { instruments: ['strings', 'warm-pad'], from: 'chorus' },
    leads: {
      romantic: ['flute', 'nylon-guitar', 'soprano-sax'],
      playful: ['steel-drums', 'marimba', 'trumpet'],
      heartfelt: ['tenor-sax', 'accordion', 'cello'],
    },
    space: { wet: 0.45, size: 0.5 },
  },
  {
    id: 'cinematic',
    label: 'Cinematic / orchestral',
    keywords: [
      'cinematic',
      'orchestral',
      'orchestra',
      'epic',
      'film',
      'score',
      'soundtrack',
      'symphonic',
    ],
    bpm: [70, 104],
    metres: [
      ['4/4', 1],
      ['3/4', 0.2],
    ],
    swing: 0,
    swingUnit: 8,
    minorBias: 0.15,
    progressionStyle: 'pop',
    colour: 'plain',
    kits: { romantic: 'orchestra-kit', playful: 'orchestra-kit', heartfelt: 'orchestra-kit' },
    drums: { intro: 0, verse: 1, pre: 1, chorus: 2, bridge: 1, solo: 2, outro: 1 },
    grooves: {
      light: ['cinematic-light'],
      full: ['cinematic-full'],
      drive: ['cinematic-full'],
      fill: ['fill-toms'],
    },
    bass: {
      instruments: ['cello', 'acoustic-bass'],
      light: ['hold', 'waltz-root'],
      full: ['ballad', 'halves', 'waltz-move'],
    },
    keys: { instruments: ['piano', 'harp'], patterns: ['arp-up', 'arp-slow', 'waltz-arp'] },
    guitar: { instruments: ['pizzicato'], patterns: ['pop-8', 'waltz-comp'], chance: 0.5 },
    pad: { instruments: ['strings', 'slow-strings', 'choir'], from: 'verse' },
    leads: {
      romantic: ['violin', 'flute', 'oboe'],
      playful: ['pizzicato', 'clarinet', 'glockenspiel'],
      heartfelt: ['french-horns', 'cello', 'trumpet'],
    },
    space: { wet: 0.7, size: 0.8 },
  },
];

/** What a variation preset family changes on top of the genre. */
export interface FamilyProfile {
  family: Family;
  /** Multiplies the song's base tempo. Spread far enough apart that the three always differ. */
  tempoFactor: number;
  minorBias: number;
  energy: number;
  drumsDelta: number;
  /** Drum level in the mix relative to the role table: brushed and quiet for romance. */
  drumsDb: number;
  /** Tonic preferences, most preferred first. */
  tonics: readonly string[];
  metreBias: Partial<Record<Metre, number>>;
  /** Preference weights for accompaniment pattern tags. */
  patternTags: Record<'arp' | 'block' | 'rhythm', number>;
  /** Instruments this family leans towards when a genre offers a choice. */
  affinity: Readonly<Record<string, number>>;
  /** The layer added for the last chorus; disjoint between families. */
  extras: readonly string[];
  melody: { syncopation: number; leap: number; syllablesPerSecond: number; lift: number };
}

export const FAMILIES: Record<Family, FamilyProfile> = {
  romantic: {
    family: 'romantic',
    tempoFactor: 0.84,
    minorBias: 0,
    energy: -0.1,
    drumsDelta: -1,
    drumsDb: -4,
    tonics: ['Eb', 'Ab', 'F', 'Bb', 'Db'],
    metreBias: { '3/4': 0.15, '6/8': 0.1 },
    patternTags: { arp: 3, block: 1, rhythm: 0.4 },
    affinity: {
      harp: 3,
      'nylon-guitar': 2,
      'slow-strings': 2,
      strings: 1.5,
      epiano: 1.5,
      celesta: 2,
      'warm-pad': 1.2,
    },
    extras: ['harp', 'celesta', 'slow-strings'],
    melody: { syncopation: 0.15, leap: 0.3, syllablesPerSecond: 2.3, lift: 3 },
  },
  playful: {
    family: 'playful',
    tempoFactor: 1.2,
    minorBias: -0.35,
    energy: 0.2,
    drumsDelta: 1,
    drumsDb: 0,
    tonics: ['C', 'G', 'D', 'A', 'E'],
    metreBias: {},
    patternTags: { arp: 0.8, block: 0.3, rhythm: 3 },
    affinity: {
      'bright-piano': 2.5,
      'clean-guitar': 2,
      'steel-guitar': 1.5,
      marimba: 2,
      'music-box': 2,
      'fm-epiano': 1.5,
      kalimba: 2,
      pizzicato: 2,
    },
    extras: ['glockenspiel', 'pizzicato', 'marimba'],
    melody: { syncopation: 0.4, leap: 0.45, syllablesPerSecond: 3.2, lift: 4 },
  },
  heartfelt: {
    family: 'heartfelt',
    tempoFactor: 0.98,
    minorBias: 0.1,
    energy: 0,
    drumsDelta: 0,
    drumsDb: -2,
    tonics: ['D', 'E', 'B', 'F#', 'Bb'],
    metreBias: { '6/8': 0.1 },
    patternTags: { arp: 2, block: 2, rhythm: 0.6 },
    affinity: {
      piano: 2.5,
      'slow-strings': 2,
      choir: 2,
      'voice-oohs': 1.5,
      cello: 2,
      'fretless-bass': 1.5,
      'warm-pad': 1.2,
    },
    extras: ['choir', 'french-horns', 'strings'],
    melody: { syncopation: 0.25, leap: 0.35, syllablesPerSecond: 2.6, lift: 5 },
  },
};

const FAMILY_OF_VARIATION = {
  'poetic-romantic': 'romantic',
  'upbeat-playful': 'playful',
  'heartfelt-emotional': 'heartfelt',
} as const satisfies Record<VariationId, Family>;

/**
 * Variation preset ids and their families: every variation the schema offers, by the sound
 * family it declares ("warm-tender" is heartfelt, though "tender" alone would read as romantic).
 * FAMILY_WORDS below identifies a family in ids this table does not know.
 */
export const PRESET_FAMILIES: Readonly<Record<string, Family>> = Object.fromEntries(
  Object.entries(VARIATIONS).map(([name, v]) => [name, FAMILY_OF_VARIATION[v.family]]),
);

export const FAMILY_WORDS: readonly (readonly [RegExp, Family])[] = [
  [/romantic|poetic|love|tender|dreamy|elegant/i, 'romantic'],
  [/upbeat|playful|fun|happy|party|dance|bright|joy/i, 'playful'],
  [/heartfelt|emotional|sad|moving|sincere|deep|soul/i, 'heartfelt'],
];

/** A partial adjustment from a mood, occasion or prompt word. */
export interface Modifier {
  tempoFactor?: number;
  minorBias?: number;
  energy?: number;
  drumsDelta?: number;
  /** Forces no drums at all ("no drums", "a cappella"). */
  noDrums?: boolean;
  acoustic?: boolean;
  electronic?: boolean;
  metreBias?: Partial<Record<Metre, number>>;
  /** Instruments to use for a role, when the word names one. */
  roles?: Partial<Record<'lead' | 'keys' | 'guitar' | 'pad' | 'bass' | 'extra', string>>;
  /** Instruments to prefer (weight multipliers) without forcing them. */
  affinity?: Readonly<Record<string, number>>;
  colour?: string;
  genre?: string;
  /** A sad brief: minor key and a slow tempo band unless the style or prompt asks for brightness. */
  sombre?: boolean;
}

/** Words in the style or prompt that overrule a sombre mood's minor key and slow band. */
export const BRIGHT_WORDS =
  /\b(upbeat|up[- ]?tempo|fast|energetic|lively|bouncy|peppy|happy|cheerful|joyful|uplifting|bright|celebratory|party|dance|danceable|major key)\b/i;

/** Base tempo band of a sombre brief, before the preset's factor (bpm of the quarter note). */
export const SOMBRE_BPM: readonly [number, number] = [58, 72];

export const MOODS: Readonly<Record<string, Modifier>> = {
  romantic: {
    minorBias: -0.05,
    tempoFactor: 0.96,
    energy: -0.05,
    affinity: { strings: 1.3, harp: 1.3 },
  },
  playful: {
    minorBias: -0.25,
    tempoFactor: 1.05,
    energy: 0.1,
    affinity: { marimba: 1.5, pizzicato: 1.5 },
  },
  nostalgic: {
    sombre: true,
    minorBias: 0.1,
    tempoFactor: 0.95,
    energy: -0.05,
    affinity: { epiano: 1.5, accordion: 1.5, 'nylon-guitar': 1.3 },
  },
  joyful: { minorBias: -0.25, tempoFactor: 1.05, energy: 0.1 },
  heartfelt: {
    minorBias: 0.05,
    tempoFactor: 0.97,
    energy: -0.05,
    affinity: { piano: 1.3, strings: 1.2 },
  },
  happy: { minorBias: -0.25, tempoFactor: 1.04, energy: 0.1 },
  sad: { minorBias: 0.4, tempoFactor: 0.9, energy: -0.15, sombre: true },
  melancholic: { minorBias: 0.4, tempoFactor: 0.9, energy: -0.15, sombre: true },
  heartbroken: { minorBias: 0.4, tempoFactor: 0.9, energy: -0.15, sombre: true },
  grieving: { minorBias: 0.4, tempoFactor: 0.88, energy: -0.2, sombre: true },
  bittersweet: { minorBias: 0.2, tempoFactor: 0.95 },
  calm: { tempoFactor: 0.92, energy: -0.2, drumsDelta: -1 },
  peaceful: { tempoFactor: 0.9, energy: -0.2, drumsDelta: -1 },
  tender: { tempoFactor: 0.93, energy: -0.15, drumsDelta: -1 },
  gentle: { tempoFactor: 0.93, energy: -0.15, drumsDelta: -1 },
  dreamy: { tempoFactor: 0.93, energy: -0.1, affinity: { 'halo-pad': 2, celesta: 1.5, harp: 1.5 } },
  energetic: { tempoFactor: 1.1, energy: 0.2, drumsDelta: 1 },
  excited: { tempoFactor: 1.08, energy: 0.2, drumsDelta: 1 },
  epic: { energy: 0.2, minorBias: 0.05, affinity: { brass: 2, 'french-horns': 2, strings: 1.5 } },
  triumphant: { energy: 0.2, minorBias: -0.15, affinity: { brass: 2, trumpet: 2 } },
  hopeful: { minorBias: -0.15, energy: 0.05 },
  inspiring: { minorBias: -0.15, energy: 0.1, affinity: { strings: 1.3, piano: 1.3 } },
  grateful: { minorBias: -0.1 },
  funny: {
    minorBias: -0.3,
    tempoFactor: 1.1,
    energy: 0.15,
    affinity: { pizzicato: 2, 'music-box': 1.5 },
  },
  silly: {
    minorBias: -0.3,
    tempoFactor: 1.1,
    energy: 0.15,
    affinity: { pizzicato: 2, marimba: 2 },
  },
  sentimental: { minorBias: 0.05, tempoFactor: 0.95, energy: -0.05 },
  chill: { tempoFactor: 0.92, energy: -0.1, affinity: { epiano: 2 } },
  sweet: {
    minorBias: -0.15,
    tempoFactor: 0.96,
    energy: -0.05,
    affinity: { 'music-box': 1.5, celesta: 1.5 },
  },
};

export const OCCASIONS: Readonly<Record<string, Modifier>> = {
  birthday: { minorBias: -0.3, tempoFactor: 1.04, energy: 0.1, affinity: { glockenspiel: 1.5 } },
  anniversary: { minorBias: -0.1, tempoFactor: 0.97, metreBias: { '3/4': 0.1 } },
  wedding: {
    minorBias: -0.2,
    tempoFactor: 0.96,
    metreBias: { '3/4': 0.15 },
    affinity: { strings: 1.5, harp: 1.5 },
  },
  valentine: { minorBias: -0.1, tempoFactor: 0.97 },
  graduation: {
    minorBias: -0.2,
    energy: 0.1,
    tempoFactor: 1.03,
    affinity: { brass: 1.5, 'french-horns': 1.5 },
  },
  memorial: { sombre: true, minorBias: 0.25, tempoFactor: 0.88, energy: -0.25, drumsDelta: -1 },
  funeral: { sombre: true, minorBias: 0.25, tempoFactor: 0.86, energy: -0.3, drumsDelta: -2 },
  remembrance: { sombre: true, minorBias: 0.2, tempoFactor: 0.9, energy: -0.2, drumsDelta: -1 },
  sympathy: { sombre: true, minorBias: 0.2, tempoFactor: 0.9, energy: -0.2, drumsDelta: -1 },
  christmas: { minorBias: -0.2, affinity: { glockenspiel: 2, celesta: 2, 'tubular-bells': 1.5 } },
  holiday: { minorBias: -0.15, affinity: { glockenspiel: 1.5, celesta: 1.5 } },
  baby: {
    tempoFactor: 0.9,
    energy: -0.2,
    drumsDelta: -1,
    affinity: { 'music-box': 2, celesta: 2 },
  },
  'baby shower': { tempoFactor: 0.92, energy: -0.15, affinity: { 'music-box': 2, celesta: 2 } },
  retirement: { minorBias: 0.05, tempoFactor: 0.97 },
  farewell: { minorBias: 0.15, tempoFactor: 0.95, energy: -0.05 },
  'get well': { minorBias: -0.1, energy: -0.05 },
  apology: { minorBias: 0.15, energy: -0.1, tempoFactor: 0.95 },
  congratulations: { minorBias: -0.2, energy: 0.1 },
  promotion: { minorBias: -0.2, energy: 0.1 },
  "mother's day": { minorBias: -0.1, affinity: { piano: 1.3, strings: 1.3 } },
  "father's day": { minorBias: -0.1, affinity: { 'steel-guitar': 1.5 } },
  friendship: { minorBias: -0.15, energy: 0.05 },
  proposal: { minorBias: -0.15, tempoFactor: 0.95, affinity: { strings: 1.5 } },
  'just because': {},
};

/** Words in the free-text prompt. Order matters: later entries override earlier role choices. */
export const PROMPT_WORDS: readonly (readonly [RegExp, Modifier])[] = [
  [/\b(slow|slower|slowly|laid[- ]back|unhurried)\b/i, { tempoFactor: 0.86, energy: -0.1 }],
  [/\b(fast|faster|quick|speedy|up[- ]?tempo)\b/i, { tempoFactor: 1.15, energy: 0.1 }],
  [
    /\b(upbeat|energetic|lively|bouncy|driving|peppy|high[- ]energy)\b/i,
    { tempoFactor: 1.08, energy: 0.15, drumsDelta: 1 },
  ],
  [/\b(soft|gentle|quiet|delicate|intimate|mellow|soothing)\b/i, { energy: -0.15, drumsDelta: -1 }],
  [/\b(dance|danceable|groovy|funky)\b/i, { tempoFactor: 1.04, drumsDelta: 1 }],
  [/\b(acoustic|unplugged|organic|campfire)\b/i, { acoustic: true }],
  [
    /\b(electronic|synth|synths|synthesizer|electro)\b/i,
    { electronic: true, roles: { pad: 'warm-pad' } },
  ],
  [/\b(no drums|without drums|drumless|a cappella|no percussion)\b/i, { noDrums: true }],
  [/\bwaltz\b/i, { metreBias: { '3/4': 3 } }],
  [/\bjazzy\b/i, { colour: 'jazz' }],
  [/\b(lo-?fi|chillhop)\b/i, { genre: 'hiphop' }],
  [/\bpiano\b/i, { roles: { keys: 'piano' } }],
  [/\b(electric piano|rhodes|keys)\b/i, { roles: { keys: 'epiano' } }],
  [/\borgan\b/i, { roles: { keys: 'organ' } }],
  [/\b(church|gospel|hymn)\b/i, { roles: { pad: 'church-organ' } }],
  [/\bguitars?\b/i, { roles: { guitar: 'steel-guitar' } }],
  [/\belectric guitar\b/i, { roles: { guitar: 'clean-guitar' } }],
  [
    /\b(nylon|classical guitar|spanish guitar|ukulele|uke)\b/i,
    { roles: { guitar: 'nylon-guitar' } },
  ],
  [/\bbanjo\b/i, { roles: { guitar: 'banjo' } }],
  [/\b(strings|orchestral|string section)\b/i, { roles: { pad: 'strings' } }],
  [/\b(choir|choral|voices)\b/i, { roles: { pad: 'choir' } }],
  [/\bharp\b/i, { roles: { keys: 'harp' } }],
  [/\b(music box)\b/i, { roles: { keys: 'music-box' } }],
  [/\b(bells|chimes|glockenspiel|sparkly|twinkly)\b/i, { roles: { extra: 'glockenspiel' } }],
  [/\b(violin|fiddle)\b/i, { roles: { lead: 'violin' } }],
  [/\bcello\b/i, { roles: { lead: 'cello' } }],
  [/\bflute\b/i, { roles: { lead: 'flute' } }],
  [/\b(sax|saxophone)\b/i, { roles: { lead: 'alto-sax' } }],
  [/\btrumpet\b/i, { roles: { lead: 'trumpet' } }],
  [/\bclarinet\b/i, { roles: { lead: 'clarinet' } }],
  [/\bharmonica\b/i, { roles: { lead: 'harmonica' } }],
  [/\b(whistle|whistling)\b/i, { roles: { lead: 'whistle' } }],
  [/\baccordion\b/i, { roles: { lead: 'accordion' } }],
  [/\b(marimba|xylophone)\b/i, { roles: { lead: 'marimba' } }],
  [/\bbrass\b/i, { roles: { extra: 'brass' } }],
];

/**
 * Which layers play in each kind of section. Energy scales velocities; layers switch parts on
 * and off so the arrangement builds towards the choruses.
 */
export interface SectionShape {
  energy: number;
  keys: 'light' | 'full' | 'off';
  guitar: boolean;
  bass: 'light' | 'full' | 'off';
  pad: boolean;
  lead: 'melody' | 'hook' | 'off';
}

export const SECTION_SHAPES: Record<SectionKind, SectionShape> = {
  intro: { energy: 0.45, keys: 'light', guitar: false, bass: 'off', pad: true, lead: 'hook' },
  verse: { energy: 0.6, keys: 'light', guitar: true, bass: 'light', pad: false, lead: 'melody' },
  pre: { energy: 0.7, keys: 'full', guitar: true, bass: 'light', pad: true, lead: 'melody' },
  chorus: { energy: 0.85, keys: 'full', guitar: true, bass: 'full', pad: true, lead: 'melody' },
  bridge: { energy: 0.65, keys: 'light', guitar: false, bass: 'light', pad: true, lead: 'melody' },
  solo: { energy: 0.8, keys: 'full', guitar: true, bass: 'full', pad: true, lead: 'melody' },
  outro: { energy: 0.5, keys: 'light', guitar: false, bass: 'light', pad: true, lead: 'off' },
};

/** Mix position for each role: level in dB, pan (-1..1) and reverb send (0..1). */
export const ROLE_MIX: Record<
  'lead' | 'keys' | 'guitar' | 'pad' | 'bass' | 'extra' | 'drums',
  { db: number; pan: number; send: number }
> = {
  lead: { db: 0, pan: 0, send: 0.35 },
  keys: { db: -5, pan: -0.2, send: 0.3 },
  guitar: { db: -9, pan: 0.35, send: 0.25 },
  pad: { db: -10, pan: 0, send: 0.5 },
  bass: { db: -4, pan: 0, send: 0.05 },
  extra: { db: -6, pan: -0.3, send: 0.45 },
  drums: { db: -6, pan: 0, send: 0.15 },
};

/** What an "acoustic" request swaps in when a genre offers no acoustic instrument for a role. */
export const ACOUSTIC_FALLBACK: Record<
  'lead' | 'keys' | 'guitar' | 'pad' | 'bass' | 'extra',
  string
> = {
  lead: 'flute',
  keys: 'piano',
  guitar: 'steel-guitar',
  pad: 'strings',
  bass: 'acoustic-bass',
  extra: 'harp',
};

/** Where the tune sits for each kind of voice it stands in for. */
export const VOCAL_CENTRES: Record<Vocals, number | null> = {
  female: 69,
  male: 57,
  none: null,
};
