// The General MIDI instruments the engine writes for, by id. Ranges keep each part where the
// real instrument sounds good (a flute two octaves down is a test tone, not a flute). gainDb
// evens out how loud the SoundFont's samples are (measured: a phrase around each instrument's
// centre at velocity 90, K-weighted, against the grand piano), so the role levels in the mix
// table mean the same thing whichever instrument fills the role.

export interface Instrument {
  id: string;
  name: string;
  /** GM program number; for kits, the GS drum-kit program on the percussion channel. */
  program: number;
  kit?: true;
  /** Playable range as MIDI notes, and the note the part is centred on. */
  range: readonly [number, number];
  centre: number;
  /** Held tones (bowed, blown, pads) versus struck or plucked ones that decay by themselves. */
  sustain: boolean;
  acoustic: boolean;
  gainDb: number;
}

type Row = [
  id: string,
  name: string,
  program: number,
  lo: number,
  hi: number,
  centre: number,
  sustain: boolean,
  acoustic: boolean,
  gainDb: number,
];

const ROWS: Row[] = [
  ['piano', 'Grand Piano', 0, 21, 108, 64, false, true, 0],
  ['bright-piano', 'Bright Grand Piano', 1, 21, 108, 66, false, true, 0],
  ['epiano', 'Electric Piano', 4, 28, 103, 62, false, false, -5],
  ['fm-epiano', 'FM Electric Piano', 5, 28, 103, 64, false, false, -3],
  ['celesta', 'Celesta', 8, 60, 108, 79, false, true, 0],
  ['glockenspiel', 'Glockenspiel', 9, 72, 108, 86, false, true, -2],
  ['music-box', 'Music Box', 10, 60, 108, 79, false, true, 8],
  ['vibraphone', 'Vibraphone', 11, 53, 89, 70, false, true, -1],
  ['marimba', 'Marimba', 12, 45, 96, 70, false, true, -1],
  ['tubular-bells', 'Tubular Bells', 14, 60, 77, 70, false, true, -4],
  ['organ', 'Drawbar Organ', 16, 36, 96, 64, true, false, -1],
  ['rock-organ', 'Rock Organ', 18, 36, 96, 64, true, false, -3],
  ['church-organ', 'Church Organ', 19, 24, 96, 60, true, true, -3],
  ['accordion', 'Accordion', 21, 53, 89, 67, true, true, -1],
  ['harmonica', 'Harmonica', 22, 60, 84, 70, true, true, -4],
  ['nylon-guitar', 'Nylon String Guitar', 24, 40, 84, 60, false, true, -1],
  ['steel-guitar', 'Steel String Guitar', 25, 40, 84, 60, false, true, 2],
  ['jazz-guitar', 'Jazz Guitar', 26, 40, 84, 60, false, false, -4],
  ['clean-guitar', 'Clean Electric Guitar', 27, 40, 86, 62, false, false, -5],
  ['muted-guitar', 'Palm Muted Guitar', 28, 40, 76, 55, false, false, 1],
  ['overdrive-guitar', 'Overdrive Guitar', 29, 40, 86, 60, true, false, -4],
  ['distortion-guitar', 'Distortion Guitar', 30, 40, 86, 60, true, false, -6],
  ['acoustic-bass', 'Acoustic Bass', 32, 28, 55, 38, false, true, -6],
  ['finger-bass', 'Fingered Bass', 33, 28, 55, 38, false, false, -6],
  ['pick-bass', 'Picked Bass', 34, 28, 55, 38, false, false, -6],
  ['fretless-bass', 'Fretless Bass', 35, 28, 55, 38, false, false, -7],
  ['synth-bass', 'Synth Bass', 38, 24, 55, 36, false, false, -4],
  ['synth-bass-2', 'Synth Bass 2', 39, 24, 55, 36, false, false, -4],
  ['violin', 'Violin', 40, 55, 100, 74, true, true, -4],
  ['viola', 'Viola', 41, 48, 88, 64, true, true, -3],
  ['cello', 'Cello', 42, 36, 76, 55, true, true, -5],
  ['pizzicato', 'Pizzicato Strings', 45, 36, 96, 64, false, true, 4],
  ['harp', 'Harp', 46, 24, 103, 64, false, true, 0],
  ['strings', 'String Ensemble', 48, 28, 96, 64, true, true, -1],
  ['slow-strings', 'Slow Strings', 49, 28, 96, 64, true, true, 0],
  ['synth-strings', 'Synth Strings', 50, 36, 96, 64, true, false, 0],
  ['choir', 'Choir Aahs', 52, 48, 79, 64, true, true, 1],
  ['voice-oohs', 'Voice Oohs', 53, 48, 79, 64, true, true, -4],
  ['trumpet', 'Trumpet', 56, 54, 84, 68, true, true, -7],
  ['trombone', 'Trombone', 57, 40, 72, 55, true, true, -9],
  ['muted-trumpet', 'Muted Trumpet', 59, 54, 82, 67, true, true, -7],
  ['french-horns', 'French Horns', 60, 41, 77, 57, true, true, -6],
  ['brass', 'Brass Section', 61, 40, 84, 62, true, true, -6],
  ['soprano-sax', 'Soprano Sax', 64, 56, 88, 72, true, true, -8],
  ['alto-sax', 'Alto Sax', 65, 49, 81, 65, true, true, -6],
  ['tenor-sax', 'Tenor Sax', 66, 44, 76, 58, true, true, -6],
  ['oboe', 'Oboe', 68, 58, 91, 72, true, true, -7],
  ['english-horn', 'English Horn', 69, 52, 81, 64, true, true, 1],
  ['clarinet', 'Clarinet', 71, 50, 91, 67, true, true, -5],
  ['flute', 'Flute', 73, 60, 96, 76, true, true, -8],
  ['recorder', 'Recorder', 74, 60, 96, 76, true, true, -8],
  ['pan-flute', 'Pan Flute', 75, 60, 96, 74, true, true, -6],
  ['whistle', 'Whistle', 78, 64, 96, 79, true, true, -9],
  ['ocarina', 'Ocarina', 79, 60, 86, 72, true, true, -9],
  ['square-lead', 'Square Lead', 80, 48, 96, 72, true, false, -6],
  ['saw-lead', 'Saw Lead', 81, 48, 96, 72, true, false, -6],
  ['warm-pad', 'Warm Pad', 89, 36, 84, 60, true, false, 5],
  ['polysynth', 'Polysynth', 90, 36, 96, 64, true, false, -7],
  ['halo-pad', 'Halo Pad', 94, 36, 84, 60, true, false, -4],
  ['crystal', 'Crystal', 98, 60, 96, 76, false, false, -2],
  ['banjo', 'Banjo', 105, 48, 84, 64, false, true, -2],
  ['kalimba', 'Kalimba', 108, 60, 96, 72, false, true, 2],
  ['fiddle', 'Fiddle', 110, 55, 100, 72, true, true, 0],
  ['steel-drums', 'Steel Drums', 114, 55, 88, 70, false, true, 2],
];

type KitRow = [id: string, name: string, program: number, gainDb: number];

const KITS: KitRow[] = [
  ['standard-kit', 'Standard Drum Kit', 0, -1],
  ['room-kit', 'Room Drum Kit', 8, 0],
  ['power-kit', 'Power Drum Kit', 16, -6],
  ['electronic-kit', 'Electronic Drum Kit', 24, -4],
  ['808-kit', 'TR-808 Drum Kit', 25, -2],
  ['jazz-kit', 'Jazz Drum Kit', 32, -1],
  ['brush-kit', 'Brush Drum Kit', 40, 0],
  ['orchestra-kit', 'Orchestral Percussion', 48, -6],
];

export const INSTRUMENTS: ReadonlyMap<string, Instrument> = new Map([
  ...ROWS.map(
    ([id, name, program, lo, hi, centre, sustain, acoustic, gainDb]): [string, Instrument] => [
      id,
      { id, name, program, range: [lo, hi], centre, sustain, acoustic, gainDb },
    ],
  ),
  ...KITS.map(([id, name, program, gainDb]): [string, Instrument] => [
    id,
    {
      id,
      name,
      program,
      kit: true,
      range: [27, 87],
      centre: 38,
      sustain: false,
      acoustic: !/electronic|808/.test(id),
      gainDb,
    },
  ]),
]);

export function instrument(id: string): Instrument {
  const found = INSTRUMENTS.get(id);
  if (!found) throw new Error(`unknown instrument: ${id}`);
  return found;
}

/** GM percussion keys used by the groove tables. */
export const DRUM_KEYS = {
  k: 36, // bass drum
  s: 38, // snare
  r: 37, // side stick / rim
  c: 39, // hand clap
  h: 42, // closed hi-hat
  p: 44, // pedal hi-hat
  o: 46, // open hi-hat
  y: 51, // ride cymbal
  b: 53, // ride bell
  x: 49, // crash cymbal
  t: 50, // high tom
  m: 47, // mid tom
  l: 45, // low tom
  f: 41, // floor tom
  a: 54, // tambourine
  e: 70, // maracas / shaker
  w: 56, // cowbell
  n: 75, // claves
} as const;

export type DrumVoice = keyof typeof DRUM_KEYS;
