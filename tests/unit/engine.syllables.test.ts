// Syllable counts of each word said in full, as a pronouncing dictionary gives them; where
// speakers differ ("fire", "hour", "every", "chocolate") the count is the CMU dictionary's
// first pronunciation, which is the one the engine sings.

import { describe, expect, it } from 'vitest';
import { compose } from '../../server/engine/composer.ts';
import { heardNames, lineSyllables, parseLyrics, splitWord } from '../../server/engine/lyrics.ts';
import { sampleSpec } from '../../server/engine/samples.ts';

const SYLLABLE_COUNTS: Readonly<Record<string, number>> = {
  // Hard ones: silent e, -es and -ed endings, vowel pairs, contractions in speech.
  fades: 1,
  dances: 2,
  every: 3,
  family: 3,
  fire: 2,
  hour: 2,
  poem: 2,
  beautiful: 3,
  chocolate: 2,
  different: 3,
  evening: 2,
  quiet: 2,
  lion: 2,
  create: 2,
  idea: 3,
  business: 2,
  camera: 3,
  memory: 3,
  smiled: 1,
  loved: 1,
  wanted: 2,
  needed: 2,
  hoped: 1,
  danced: 1,
  kissed: 1,
  hugged: 1,
  waited: 2,
  ended: 2,
  started: 2,
  rested: 2,
  places: 2,
  faces: 2,
  roses: 2,
  kisses: 2,
  wishes: 2,
  changes: 2,
  hopes: 1,
  smiles: 1,
  times: 1,
  lives: 1,
  shoes: 1,
  goes: 1,
  does: 1,
  years: 1,
  tears: 1,
  eyes: 1,
  skies: 1,
  cries: 1,
  tries: 1,
  flies: 1,
  ruined: 2,
  being: 2,
  seeing: 2,
  going: 2,
  doing: 2,
  flying: 2,
  crying: 2,
  dying: 2,
  trying: 2,
  riot: 2,
  diet: 2,
  science: 2,
  giant: 2,
  violin: 3,
  piano: 3,
  radio: 3,
  video: 3,
  stereo: 3,
  area: 3,
  real: 1,
  really: 2,
  realize: 3,
  society: 4,
  anxiety: 4,
  variety: 4,
  quietly: 3,
  ocean: 2,
  people: 2,
  little: 2,
  middle: 2,
  gentle: 2,
  candle: 2,
  table: 2,
  apple: 2,
  simple: 2,
  circle: 2,
  whistle: 2,
  castle: 2,
  able: 2,
  smile: 1,
  love: 1,
  time: 1,
  home: 1,
  hope: 1,
  care: 1,
  life: 1,
  stone: 1,
  make: 1,
  lovely: 2,
  lonely: 2,
  lately: 2,
  safely: 2,
  careful: 2,
  hopeful: 2,
  hopeless: 2,
  homeless: 2,
  movement: 2,
  sometimes: 2,
  someone: 2,
  somewhere: 2,
  everything: 3,
  everyone: 3,
  everywhere: 3,
  forever: 3,
  together: 3,
  remember: 3,
  tomorrow: 3,
  yesterday: 3,
  today: 2,
  tonight: 2,
  birthday: 2,
  happy: 2,
  happiness: 3,
  sunshine: 2,
  moonlight: 2,
  starlight: 2,
  heartbeat: 2,
  heaven: 2,
  seven: 2,
  eleven: 3,
  hundred: 2,
  thousand: 2,
  million: 2,
  special: 2,
  graduation: 4,
  celebration: 4,
  imagination: 5,
  anniversary: 5,
  congratulations: 5,
  education: 4,
  emotion: 3,
  devotion: 3,
  precious: 2,
  delicious: 3,
  photograph: 3,
  wonderful: 3,
  magical: 3,
  musical: 3,
  natural: 3,
  general: 3,
  favorite: 3,
  probably: 3,
  actually: 4,
  usually: 4,
  naturally: 4,
  interest: 2,
  comfortable: 4,
  vegetable: 3,
  temperature: 3,
  restaurant: 3,
  separate: 3,
  several: 2,
  violet: 3,
  diamond: 2,
  orange: 2,
  jewel: 2,
  cruel: 2,
  fuel: 2,
  duel: 2,
  power: 2,
  flower: 2,
  shower: 2,
  tower: 2,
  our: 2,
  higher: 2,
  tired: 2,
  liar: 2,
  player: 2,
  prayer: 1,
  world: 1,
  girl: 1,
  squirrel: 2,
  mirror: 2,
  caramel: 3,
  poetry: 3,
  poet: 2,
  username: 3,
  married: 2,
  wedding: 2,
  marriage: 2,
  daughter: 2,
  brother: 2,
  mother: 2,
  father: 2,
  grandmother: 3,
  children: 2,
  baby: 2,
  lullaby: 3,
  honey: 2,
  darling: 2,
  sweetheart: 2,
  journey: 2,
  adventure: 3,
  dreaming: 2,
  dreamer: 2,
  laughter: 2,
  morning: 2,
  summer: 2,
  winter: 2,
  autumn: 2,
  spring: 1,
  rainbow: 2,
  thunder: 2,
  whisper: 2,
  shadow: 2,
  window: 2,
  golden: 2,
  silver: 2,
  promise: 2,
  courage: 2,
  believe: 2,
  beginning: 3,
  begin: 2,
  became: 2,
  because: 2,
  before: 2,
  behind: 2,
  beyond: 2,
  between: 2,
  without: 2,
  within: 2,
  into: 2,
  over: 2,
  under: 2,
  only: 2,
  always: 2,
  never: 2,
  ever: 2,
  again: 2,
  alone: 2,
  above: 2,
  amazing: 3,
  unbelievable: 5,
  unforgettable: 5,
  ordinary: 4,
  cinematic: 4,
  guitar: 2,
  rhythm: 2,
  melody: 3,
  harmony: 3,
  symphony: 3,
  chorus: 2,
};

describe('engine syllables', () => {
  it('counts syllables as the pronouncing dictionary hears them', () => {
    const words = Object.keys(SYLLABLE_COUNTS);
    expect(words.length).toBeGreaterThanOrEqual(200);
    const counted = Object.fromEntries(words.map((w) => [w, splitWord(w).length]));
    expect(counted).toEqual(SYLLABLE_COUNTS);
  });

  it('counts words outside the dictionary by spelling', () => {
    expect(splitWord('refrainly')).toHaveLength(3);
    expect(splitWord('zorbification')).toHaveLength(5);
  });

  it('stresses the syllable the dictionary stresses', () => {
    const stressOf = (word: string) => lineSyllables(word).map((s) => s.stress);
    expect(stressOf('together')).toEqual([0, 2, 0]);
    expect(stressOf('anniversary')).toEqual([1, 0, 2, 0, 0]);
    expect(stressOf('happy')).toEqual([2, 0]);
    expect(stressOf('create')).toEqual([0, 2]);
  });
});

describe('names said another way than spelled', () => {
  const niamh = heardNames([{ name: 'Niamh', sung: 'NEEV' }]);
  const siobhan = heardNames([{ name: 'Siobhan', sung: 'shi-VAWN' }]);
  const shape = (line: string, heard = heardNames()) =>
    lineSyllables(line, heard).map((s) => [s.text, s.stress]);

  it('gives the name as many notes as its respelling has syllables, spelled as written', () => {
    // The dictionary's first pronunciation of Niamh is "NY-uhm"; said "NEEV" it is one note.
    expect(lineSyllables('Niamh sings').map((s) => s.text)).toHaveLength(3);
    expect(shape('Niamh sings', niamh)).toEqual([
      ['niamh', 2],
      ['sings', 2],
    ]);
  });

  it('stresses the syllable the respelling writes in capitals', () => {
    // The dictionary's first pronunciation stresses the first ("SHOW-bahn").
    expect(lineSyllables('Siobhan').map((s) => s.stress)).toEqual([2, 1]);
    expect(lineSyllables('Siobhan', siobhan).map((s) => s.stress)).toEqual([0, 2]);
  });

  it('hears the name in any case and possessive, and no other word', () => {
    expect(shape("NIAMH's song", niamh)).toEqual([
      ['niamhs', 2],
      ['song', 2],
    ]);
    expect(lineSyllables('Niamhs', niamh)).toHaveLength(splitWord('niamhs').length);
  });

  it('counts a respelling without hyphens by its spelling: "shyow ming" is two notes', () => {
    const heard = heardNames([{ name: 'Xiaoming', sung: 'shyow MING' }]);
    expect(lineSyllables('Xiaoming', heard).map((s) => s.stress)).toEqual([0, 2]);
    const one = heardNames([{ name: 'Saoirse', sung: 'seersha' }]);
    expect(lineSyllables('Saoirse', one)).toHaveLength(2);
  });

  it('shapes the tune of the song by the respelling while its lines keep the spelling', () => {
    const lyrics =
      '[Verse]\nNiamh, Niamh, the light of every room\n[Chorus]\nSing for Niamh tonight';
    const plain = compose(sampleSpec({ lyrics }));
    const said = compose(sampleSpec({ lyrics, sungNames: [{ name: 'Niamh', sung: 'NEEV' }] }));
    const notesOf = (c: typeof plain) =>
      c.form.sections.filter((s) => s.sung).flatMap((s) => s.lines.map((l) => l.syllables.length));
    expect(notesOf(said)).not.toEqual(notesOf(plain));
    const first = parseLyrics(lyrics, niamh)[0]!.lines[0]!;
    expect(first.text).toBe('Niamh, Niamh, the light of every room');
    expect(first.syllables).toHaveLength(
      lineSyllables('Niamh, Niamh, the light of every room').length - 2,
    );
    expect(said.plan.lyricTimes.map((t) => t.line)).toEqual(
      plain.plan.lyricTimes.map((t) => t.line),
    );
  });
});
